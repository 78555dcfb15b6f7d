"""`waypoint outcomes` and `waypoint drinks` through the console entry point (exit codes, stdout,
stderr). Expected numbers are hand-computed in the comments.
"""

import datetime
import json

import pytest
from django.utils import timezone

from waypoint.cli import main


@pytest.fixture
def run(capsys):
    def run(*args):
        try:
            code = main(["waypoint", *[str(a) for a in args]])
        except SystemExit as exc:
            code = exc.code
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def write(tmp_path):
    def write(text, name="diary.csv"):
        path = tmp_path / name
        path.write_text(text.lstrip(), encoding="utf-8")
        return path

    return write


# Two weeks, Mon 1 – Sun 14 January 2024; days without a row are no-use days (completed calendar).
#  1  2 drinks (28 g)    6  70 g                10  1 drink (14 g) + 0.5 g cannabis
#  2  "none" row         7  1 joint of cannabis 14  3 drinks (42 g)
#  4  56 g
# Use days: 1, 4, 6, 7, 10, 14 → 6; no-use days 14 − 6 = 8; drinking days 1, 4, 6, 10, 14 → 5.
# Grams 28 + 56 + 70 + 14 + 42 = 210 = 15 US drinks.
FORTNIGHT = """
date,substance,amount,unit
2024-01-01,alcohol,2,drinks
2024-01-02,none,,
2024-01-04,alcohol,56,g
2024-01-06,Alcohol,70,g
2024-01-07,cannabis,1,joints
2024-01-10,alcohol,1,drinks
2024-01-10,cannabis,0.5,g
2024-01-14,alcohol,3,drinks
"""


def test_outcomes_json_known_answers(run, write):
    code, out, err = run("outcomes", write(FORTNIGHT), "--json")
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert result["from"] == "2024-01-01" and result["to"] == "2024-01-14"
    assert result["days"] == 14 and result["days_unknown"] == 0
    assert result["pda"] == 57.14  # 100 × 8 / 14 = 57.142…
    assert result["phdd"] == 14.29  # female ≥ 56 g: days 4, 6 → 100 × 2 / 14 = 14.285…
    assert result["ddd"] == 3.0  # 15 drinks / 5 drinking days
    assert result["drinks_per_week"] == 7.5  # 7 × 15 / 14
    assert result["grams_per_day"] == 15.0  # 210 / 14
    assert result["who_risk_level"] == "low"  # female (0, 20]
    assert result["substance_use_days"] == {"alcohol": 5, "cannabis": 2}
    assert (result["country"], result["thresholds"]) == ("US", "female")
    assert "person" not in result
    # weekly trend: week of 1 Jan has 28 + 56 + 70 = 154 g = 11 drinks; week of 8 Jan 56 g = 4
    assert [(w["week_start"], w["drinks"]) for w in result["weeks"]] == [
        ("2024-01-01", 11.0),
        ("2024-01-08", 4.0),
    ]


def test_outcomes_male_thresholds_and_country(run, write):
    code, out, _ = run(
        "outcomes", write(FORTNIGHT), "--json", "--thresholds", "male", "--country", "au"
    )
    result = json.loads(out)
    assert code == 0
    assert result["phdd"] == 7.14  # male ≥ 70 g: day 6 only → 100 × 1 / 14
    # "drinks" rows are now AU standard drinks of 10 g: 20 + 56 + 70 + 10 + 30 = 186 g
    # = 18.6 AU drinks; DDD 18.6 / 5 = 3.72; per week 7 × 18.6 / 14 = 9.3; 186 / 14 = 13.29 g/day
    assert result["ddd"] == 3.72
    assert result["drinks_per_week"] == 9.3
    assert result["grams_per_day"] == 13.29
    assert result["country"] == "AU"


def test_outcomes_uk_units(run, write):
    code, out, _ = run("outcomes", write(FORTNIGHT), "--json", "--country", "UK")
    # "drinks" rows are UK units of 7.89 g: 2 + 1 + 3 = 6 units = 47.34 g, plus 56 + 70 g
    # = 173.34 g = 21.9696 units; DDD 21.9696 / 5 = 4.394; 173.34 / 14 = 12.381 g/day
    result = json.loads(out)
    assert code == 0
    assert result["grams_per_day"] == 12.38
    assert result["ddd"] == 4.39
    assert result["drinks_per_week"] == 10.98  # 7 × 21.9696 / 14 = 10.985


def test_outcomes_table(run, write):
    code, out, err = run("outcomes", write(FORTNIGHT))
    assert (code, err) == (0, "")
    assert "2024-01-01 to 2024-01-14" in out
    assert "Days with no use (PDA)" in out and "57.1 % (8 of 14 days)" in out
    assert "Heavy drinking days (PHDD)" in out and "14.3 %" in out
    assert "3.0 US standard drinks (drinking on 5 of 14 days)" in out
    assert "Mean grams of alcohol per day" in out and "15.0 g" in out
    assert "WHO risk drinking level           Low risk" in out
    assert "cannabis 2" in out
    assert "2024-01-08: 7 days" in out


def test_outcomes_window_from_to(run, write):
    path = write(FORTNIGHT)
    # 1–28 January: 28 days, the same 6 use days → PDA 100 × 22 / 28 = 78.57; 7 × 15 / 28 = 3.75
    code, out, _ = run("outcomes", path, "--json", "--from", "2024-01-01", "--to", "2024-01-28")
    result = json.loads(out)
    assert (code, result["days"], result["pda"]) == (0, 28, 78.57)
    assert result["drinks_per_week"] == 3.75
    assert result["grams_per_day"] == 7.5  # 210 / 28
    # 5–10 January: 6 days; use on 6, 7, 10 → PDA 50; grams 70 + 14 = 84 → 14 g/day;
    # 6 drinks on 2 drinking days → DDD 3; heavy (female) day 6 → 100 × 1 / 6 = 16.67
    code, out, _ = run("outcomes", path, "--json", "--from", "2024-01-05", "--to", "2024-01-10")
    result = json.loads(out)
    assert (result["from"], result["to"], result["days"]) == ("2024-01-05", "2024-01-10", 6)
    assert (result["pda"], result["grams_per_day"], result["ddd"]) == (50.0, 14.0, 3.0)
    assert result["phdd"] == 16.67
    assert result["drinks_per_week"] == 7.0  # 7 × 6 / 6
    # only --from: to the last date in the file (14 Jan); 10–14 Jan = 5 days, use on 10 and 14
    code, out, _ = run("outcomes", path, "--json", "--from", "2024-01-10")
    result = json.loads(out)
    assert (result["days"], result["pda"]) == (5, 60.0)  # 100 × 3 / 5


PEOPLE = """
person,date,substance,amount,unit,abv
A,2024-03-01,alcohol,4,drinks,
B,2024-03-02,wine,148,ml,12
A,2024-03-04,alcohol,2,drinks,
B,2024-03-03,none,,,
"""


def test_outcomes_per_person(run, write):
    code, out, err = run("outcomes", write(PEOPLE), "--json")
    assert (code, err) == (0, "")
    a, b = json.loads(out)
    # A: 1–4 March (4 days), use on 1 and 4 → PDA 50; 6 drinks = 84 g → 21 g/day (female
    # MEDIUM, (20, 40]); heavy (≥ 56 g) day 1 → PHDD 25; DDD 6 / 2 = 3; per week 7 × 6 / 4 = 10.5
    assert (a["person"], a["from"], a["to"], a["days"]) == ("A", "2024-03-01", "2024-03-04", 4)
    assert (a["pda"], a["phdd"], a["ddd"], a["drinks_per_week"]) == (50.0, 25.0, 3.0, 10.5)
    assert (a["grams_per_day"], a["who_risk_level"]) == (21.0, "medium")
    # B: 2–3 March (2 days); 148 ml × 0.12 × 0.789 = 14.01264 g on day 2 → 7.00632 g/day, LOW
    assert (b["person"], b["from"], b["to"], b["days"]) == ("B", "2024-03-02", "2024-03-03", 2)
    assert (b["pda"], b["grams_per_day"], b["who_risk_level"]) == (50.0, 7.01, "low")
    assert b["ddd"] == 1.0  # 14.01264 / 14 = 1.0009 drinks on 1 drinking day


def test_outcomes_per_person_shared_window(run, write):
    code, out, _ = run("outcomes", write(PEOPLE), "--json", "--from", "2024-03-01")
    a, b = json.loads(out)
    # --from applies to everyone; each person's window still ends at their own last date
    assert (a["days"], b["days"]) == (4, 3)
    assert b["pda"] == 66.67  # 1 and 3 March without use: 100 × 2 / 3


def test_outcomes_per_person_table(run, write):
    code, out, _ = run("outcomes", write(PEOPLE))
    assert code == 0
    assert "Person A: 2024-03-01 to 2024-03-04" in out
    assert "Person B: 2024-03-02 to 2024-03-03" in out


def test_outcomes_person_outside_the_window(run, write):
    # B's only row (10 March) is after --to 5 March: B's window is empty, no rates at all
    path = write(
        "person,date,substance,amount,unit\nA,2024-03-01,alcohol,4,drinks\n"
        "B,2024-03-10,alcohol,1,drinks\n"
    )
    code, out, _ = run("outcomes", path, "--to", "2024-03-05", "--json")
    a, b = json.loads(out)
    assert code == 0
    assert (a["days"], a["pda"]) == (5, 80.0)  # 1–5 March, use on 1 March only
    assert (b["days"], b["pda"], b["who_risk_level"]) == (0, None, None)
    code, out, _ = run("outcomes", path, "--to", "2024-03-05")
    assert "No days in this window" in out


def test_outcomes_no_drinking_is_labelled_as_such(run, write):
    code, out, _ = run("outcomes", write("date,substance,amount,unit\n2024-03-01,cannabis,1,g\n"))
    assert code == 0
    assert "WHO risk drinking level           No drinking" in out
    assert "Days with no use (PDA)            0.0 %" in out  # cannabis counts against PDA


def test_outcomes_money_column(run, write):
    path = write(
        """
date,substance,amount,unit,money
2024-01-01,alcohol,2,drinks,12.50
2024-01-02,cannabis,1,g,10
"""
    )
    code, out, _ = run("outcomes", path, "--json")
    assert json.loads(out)["money_spent"] == "22.50"


def test_outcomes_bad_rows_reported_by_line_and_good_rows_count(run, write):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    path = write(
        f"""
date,substance,amount,unit,abv
2024-01-01,alcohol,2,drinks,
2024-02-30,alcohol,1,drinks,
{tomorrow.isoformat()},alcohol,1,drinks,
2024-01-02,alcohol,-1,drinks,
2024-01-02,alcohol,1,bottles,
2024-01-02,cannabis,1,drinks,
2024-01-02,beer,355,ml,
2024-01-02,beer,355,ml,101
2024-01-02,beer,355,ml,-5
2024-01-02,beer,355,ml,strong
2024-01-02,alcohol,lots,drinks,
2024-01-02,alcohol,,drinks,
2024-01-02,beer,30000,ml,5
2024-01-02,,1,drinks,
2024-01-03,alcohol,1,drinks,
"""
    )
    code, out, err = run("outcomes", path, "--json")
    assert code == 1
    lines = err.strip().splitlines()
    expected = [
        "line 3: bad date '2024-02-30'",
        f"line 4: date {tomorrow} is in the future",
        "line 5: amount -1 is negative",
        "line 6: unknown unit 'bottles' for alcohol",
        "line 7: unknown unit 'drinks' for cannabis",
        "line 8: alcohol in ml needs an abv",
        "line 9: ABV must be between 0 and 100 %",
        "line 10: ABV must be between 0 and 100 %",
        "line 11: abv 'strong' is not a number",
        "line 12: amount 'lots' is not a number",
        "line 13: amount is empty",
        "line 14: volume of 30000 ml is not possible",
        "line 15: substance is empty",
    ]
    assert len(lines) == len(expected) + 1  # plus the closing summary
    for line, message in zip(lines, expected, strict=False):
        assert message in line
    assert "13 of 15 rows were bad" in lines[-1]
    # good rows still count: 1 Jan (2 drinks) and 3 Jan (1 drink) over 1–3 Jan
    result = json.loads(out)
    assert (result["days"], result["pda"], result["ddd"]) == (3, 33.33, 1.5)


def test_outcomes_line_numbers_follow_the_file(run, write):
    # a blank line and a quoted field spanning two lines still give the file's line numbers
    path = write(
        'date,substance,amount,unit\n2024-01-01,alcohol,1,drinks\n\n"2024-01-02\n",x,1,zz\n'
        "2024-01-03,alcohol,-2,drinks\n"
    )
    code, _, err = run("outcomes", path)
    assert code == 1
    assert "line 4: unknown unit 'zz' for x" in err
    assert "line 6: amount -2 is negative" in err


def test_outcomes_empty_person_is_a_bad_row(run, write):
    path = write("person,date,substance,amount,unit\n,2024-01-01,alcohol,1,drinks\n")
    code, _, err = run("outcomes", path)
    assert code == 1
    assert "line 2: person is empty" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2024-13-01"], "bad --from '2024-13-01'; use YYYY-MM-DD"),
        (["--to", "yesterday"], "bad --to 'yesterday'; use YYYY-MM-DD"),
        (["--from", "2024-01-10", "--to", "2024-01-01"], "--from 2024-01-10 is after --to"),
        (["--to", "2999-01-01"], "--to 2999-01-01 is in the future"),
        (["--country", "FR"], "unknown --country 'FR'"),
    ],
)
def test_outcomes_bad_options(run, write, args, message):
    code, out, err = run("outcomes", write(FORTNIGHT), *args)
    assert code != 0
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_outcomes_bad_thresholds_refused(run, write):
    code, _, err = run("outcomes", write(FORTNIGHT), "--thresholds", "other")
    assert code != 0
    assert "invalid choice: 'other'" in err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("date,substance,amount\n2024-01-01,alcohol,1\n", "missing required column unit"),
        ("day,what,amount\n", "missing required columns date, substance, unit"),
        ("", "the file is empty"),
        ("date,substance,amount,unit\n2099-01-01,alcohol,1,drinks\n", "no usable diary rows"),
    ],
)
def test_outcomes_unusable_file(run, write, text, message):
    path = write(text) if text else write("")
    code, out, err = run("outcomes", path)
    assert code != 0
    assert message in err
    assert out == ""


def test_outcomes_missing_file(run, tmp_path):
    code, out, err = run("outcomes", tmp_path / "nope.csv")
    assert code != 0
    assert err.strip().endswith("nope.csv: no such file")
    assert len(err.strip().splitlines()) == 1


def test_outcomes_directory_and_binary_file(run, tmp_path):
    code, _, err = run("outcomes", tmp_path)
    assert code != 0 and "is a directory" in err
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"date,substance,amount,unit\n\xff\xfe\x00\x81\n")
    code, _, err = run("outcomes", binary)
    assert code != 0 and "not a UTF-8 text file" in err


def test_outcomes_reads_a_byte_order_mark(run, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffdate,substance,amount,unit\r\n2024-01-01,alcohol,1,drinks\r\n".encode())
    code, out, _ = run("outcomes", path, "--json")
    assert code == 0
    assert json.loads(out)["ddd"] == 1.0


# ---- waypoint drinks ----


def test_drinks_us_beer(run):
    code, out, err = run("drinks", "--volume", "355ml", "--abv", "5", "--json")
    assert (code, err) == (0, "")
    # 355 × 0.05 × 0.789 = 14.00475 g → 14.0; / 14 = 1.0003 → 1.0
    assert json.loads(out) == {"grams": 14.0, "standard_drinks": 1.0, "country": "US"}


@pytest.mark.parametrize(
    ("volume", "abv", "country", "grams", "drinks"),
    [
        ("568ml", "4", "UK", 17.9, 2.27),  # 568 × 4 / 1000 = 2.272 units; 17.926 g
        ("1 pint", "4", "uk", 17.9, 2.27),  # imperial pint 568.261 ml → 2.273 units
        ("341 ml", "5", "CA", 13.5, 1.0),  # 13.45245 g / 13.45
        ("375ml", "4.8", "AU", 14.2, 1.42),  # 14.202 g / 10
        ("330ml", "5", "NZ", 13.0, 1.3),  # 13.0185 g / 10
        ("750ml", "13.5%", "WHO", 79.9, 7.99),  # 750 × 0.135 × 0.789 = 79.88625 g / 10
        ("0.75l", "13.5", "EU", 79.9, 7.99),
        ("1.5oz", "40", "US", 14.0, 1.0),  # 44.36 ml × 0.4 × 0.789 = 14.0003 g
        ("355", "5", "US", 14.0, 1.0),  # a bare number is ml
    ],
)
def test_drinks_each_country(run, volume, abv, country, grams, drinks):
    code, out, _ = run("drinks", "--volume", volume, "--abv", abv, "--country", country, "--json")
    assert code == 0
    assert json.loads(out) == {
        "grams": grams,
        "standard_drinks": drinks,
        "country": country.upper(),
    }


def test_drinks_readable_output(run):
    code, out, _ = run("drinks", "--volume", "568ml", "--abv", "4", "--country", "UK")
    assert code == 0
    assert out.strip() == (
        "568 ml at 4 % ABV = 17.9 g of ethanol = 2.27 UK units (10 ml of ethanol each)"
    )


@pytest.mark.parametrize(
    ("volume", "abv", "message"),
    [
        ("355ml", "101", "ABV must be between 0 and 100 %, not 101"),
        ("355ml", "-1", "ABV must be between 0 and 100 %, not -1"),
        ("355ml", "strong", "ABV 'strong' is not a number"),
        ("355ml", "nan", "ABV must be a finite number"),
        ("0ml", "5", "volume must be more than 0 ml"),
        ("-355ml", "5", "cannot read the volume '-355ml'"),
        ("30l", "5", "not possible for one entry"),
        ("12 bottles", "5", "unknown volume unit 'bottles'"),
        ("a glass", "5", "cannot read the volume"),
    ],
)
def test_drinks_bad_input_refused(run, volume, abv, message):
    code, out, err = run("drinks", f"--volume={volume}", f"--abv={abv}")
    assert code == 1
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_drinks_unknown_country(run):
    code, _, err = run("drinks", "--volume", "355ml", "--abv", "5", "--country", "Mars")
    assert code == 1
    assert "unknown --country 'Mars'" in err


def test_outcomes_says_which_thresholds_it_applied_when_none_was_given(run, write):
    """Heavy day: ≥ 4 US drinks (56 g) with female thresholds, ≥ 5 (70 g) with male ones (NIAAA,
    *Drinking levels defined*); the output must say which applied and that nobody chose them."""
    path = write(FORTNIGHT)
    code, out, _ = run("outcomes", path)
    assert code == 0
    assert (
        "  Thresholds applied: female (the default, as no --thresholds was given; "
        "--thresholds male for the other ones): heavy day = at least 56 g of alcohol (NIAAA); "
        "WHO risk levels, female column (WHO 2000)"
    ) in out
    code, out, _ = run("outcomes", path, "--thresholds", "male")
    assert "Thresholds applied: male (as given): heavy day = at least 70 g" in out
    code, out, _ = run("outcomes", path, "--json")
    result = json.loads(out)
    assert (result["thresholds"], result["thresholds_given"], result["heavy_day_grams"]) == (
        "female",
        False,
        56.0,
    )
