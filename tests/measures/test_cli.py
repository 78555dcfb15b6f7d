"""`waypoint instruments` and `waypoint score`, through call_command and the real console script."""

import csv
import io
import json
import os
import random
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_instruments_list():
    out = run("instruments", "list")
    for instrument_id in ("audit", "audit-c", "dast-10", "cudit-r", "phq-9", "gad-7"):
        assert instrument_id in out
    listed = json.loads(run("instruments", "list", "--json"))
    assert {
        "id": "phq-9",
        "name": "Patient Health Questionnaire-9",
        "version": "1.0",
        "items": 10,
    } in listed


def test_instruments_show_json_shape():
    data = json.loads(run("instruments", "show", "gad-7", "--json"))
    assert data["id"] == "gad-7"
    assert data["name"] == "Generalized Anxiety Disorder-7"
    assert len(data["items"]) == 8
    first = data["items"][0]
    assert first["text"] == "Feeling nervous, anxious, or on edge"
    assert first["options"] == [
        {"label": "Not at all", "score": 0},
        {"label": "Several days", "score": 1},
        {"label": "More than half the days", "score": 2},
        {"label": "Nearly every day", "score": 3},
    ]


def test_instruments_show_human_and_reverse_scoring():
    out = run("instruments", "show", "dast-10")
    assert "3. Are you always able to stop using drugs when you want to?  [reverse-scored]" in out
    data = json.loads(run("instruments", "show", "dast-10", "--json"))
    assert data["items"][2]["options"] == [
        {"label": "Yes", "score": 0},
        {"label": "No", "score": 1},
    ]


def test_instruments_show_unknown():
    with pytest.raises(CommandError, match="unknown instrument 'nope'"):
        run("instruments", "show", "nope")


def test_score_json_shape():
    data = json.loads(run("score", "phq-9", "1", "1", "1", "1", "1", "0", "0", "0", "2", "--json"))
    assert data == {
        "instrument": "phq-9",
        "total": 7,
        "band": "Mild",
        "flags": ["phq9_item9"],
        "subscales": {},
    }


def test_score_subscales_and_thresholds():
    data = json.loads(run("score", "socrates-8a", *["2"] * 19, "--json"))
    assert data["total"] is None
    assert data["subscales"] == {"recognition": 21, "ambivalence": 12, "taking_steps": 24}
    female = json.loads(run("score", "audit-c", "1", "1", "1", "--thresholds", "female", "--json"))
    male = json.loads(run("score", "audit-c", "1", "1", "1", "--thresholds", "male", "--json"))
    assert (female["band"], male["band"]) == ("Positive screen", "Below cut-off")


def test_score_human_output():
    # Items 9 and 10 "during the last year" score 4 each: WHO suggests the next zone.
    expected = "AUDIT: total 8; Zone II: hazardous (risky) drinking; flags: audit_next_zone\n"
    assert run("score", "audit", *["0"] * 8, "2", "2") == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "1"], "unknown instrument 'nope'"),
        (["gad-7", "1", "2"], "GAD-7 expects 7 to 8 answers (one per item), got 2"),
        (
            ["gad-7", "0", "0", "0", "4", "0", "0", "0"],
            "answer 4 (q4) is 4, but the options are numbered 0-3",
        ),
        (
            ["gad-7", "0", "0", "-", "0", "0", "0", "0"],
            "GAD-7: item(s) 3 not answered, and it has no prorating rule",
        ),
        (["gad-7", "0", "x", "0", "0", "0", "0", "0"], "answer 2 is 'x', not an option number"),
        (["audit-c", "1", "1", "1"], "--thresholds female or --thresholds male"),
    ],
)
def test_score_bad_input(args, message):
    with pytest.raises(CommandError) as raised:
        run("score", *args)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def _console(*args, cwd):
    env = {**os.environ, "WAYPOINT_ENV": "test", "DJANGO_SETTINGS_MODULE": "tests.settings"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(  # noqa: S603 - our own console script
        [sys.executable, "-m", "waypoint", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.mark.slow
def test_console_exit_status_and_one_line_message(tmp_path):
    good = _console("score", "phq-9", *["0"] * 9, "--json", cwd=tmp_path)
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["total"] == 0
    bad = _console("score", "phq-9", "0", "0", cwd=tmp_path)
    assert bad.returncode != 0
    assert bad.stderr.strip().count("\n") == 0
    assert "PHQ-9 expects 9 to 10 answers" in bad.stderr


def test_csv_good_and_bad_rows(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(
        "respondent,q1,q2,q3,q4,q5,q6,q7,q8,q9,q10\n"
        "r1,0,0,0,0,0,0,0,0,0,\n"
        "r2,3,3,3,3,3,3,3,3,3,3\n"
        "r3,1,1,1,1,1,1,1,1,7,\n"
        "r4,1,1,,1,1,1,1,1,1,\n"
        "r5,1,1,1\n"
        "r6,2,2,2,0,0,0,0,0,1,0\n"
    )
    target = tmp_path / "out.csv"
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"3 bad row\(s\)"):
        call_command("score", "phq-9", "--csv", str(source), "--out", str(target), stderr=err)
    messages = err.getvalue().splitlines()
    assert messages == [
        "line 4: answer 9 (q9) is 7, but the options are numbered 0-3",
        "line 5: PHQ-9: item(s) 3 not answered, and it has no prorating rule",
        "line 6: has 4 columns, the header has 11",
    ]
    rows = list(csv.DictReader(target.open()))
    assert [r["respondent"] for r in rows] == ["r1", "r2", "r3", "r4", "r5", "r6"]
    assert (rows[0]["total"], rows[0]["band"], rows[0]["error"]) == ("0", "Minimal", "")
    assert (rows[1]["total"], rows[1]["band"], rows[1]["flags"]) == ("27", "Severe", "phq9_item9")
    assert rows[2]["total"] == "" and "is 7" in rows[2]["error"]
    assert (rows[5]["total"], rows[5]["band"], rows[5]["flags"]) == ("7", "Mild", "phq9_item9")


def test_csv_thresholds_column(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("id,q1,q2,q3,thresholds\na,1,1,1,female\nb,1,1,1,male\nc,1,1,1,\n")
    out = io.StringIO()
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 bad row"):
        call_command("score", "audit-c", "--csv", str(source), stdout=out, stderr=err)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["band"] for r in rows] == ["Positive screen", "Below cut-off", ""]
    assert "line 4:" in err.getvalue()
    # --thresholds fills rows that leave the column empty
    out = io.StringIO()
    call_command("score", "audit-c", "--csv", str(source), "--thresholds", "male", stdout=out)
    assert [r["band"] for r in csv.DictReader(io.StringIO(out.getvalue()))] == [
        "Positive screen",
        "Below cut-off",
        "Below cut-off",
    ]


def test_csv_file_errors(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run("score", "phq-9", "--csv", str(tmp_path / "missing.csv"))
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(CommandError, match="empty"):
        run("score", "phq-9", "--csv", str(empty))
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("id,a,b\n1,0,0\n")
    with pytest.raises(CommandError, match="the header has 2 item column"):
        run("score", "phq-9", "--csv", str(wrong))
    with pytest.raises(CommandError, match="not both"):
        run("score", "phq-9", "1", "--csv", str(wrong))


def _write_csv(path, rows, rng):
    with path.open("w") as handle:
        handle.write("id,q1,q2,q3,q4,q5,q6,q7,q8,q9,q10\n")
        for n in range(rows):
            handle.write(f"R{n}," + ",".join(str(rng.randint(0, 3)) for _ in range(10)) + "\n")
        handle.write("bad,9,9,9,9,9,9,9,9,9,9\n")


def _max_child_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


@pytest.mark.slow
def test_csv_100k_rows_streaming(tmp_path):
    """The real console script scores 100,000 rows with peak memory no higher than for 1,000
    rows (holding the rows would add tens of MB). Speed is not asserted here: timed tests fail
    on a busy machine; `make bench` measures it."""
    rng = random.Random(7)
    small, big = tmp_path / "small.csv", tmp_path / "big.csv"
    _write_csv(small, 1_000, rng)
    _write_csv(big, 100_000, rng)
    first = _console(
        "score", "phq-9", "--csv", str(small), "--out", str(tmp_path / "s.csv"), cwd=tmp_path
    )
    assert first.returncode == 1 and first.stderr.startswith("line 1002:")
    baseline = _max_child_rss_kb()
    result = _console(
        "score", "phq-9", "--csv", str(big), "--out", str(tmp_path / "b.csv"), cwd=tmp_path
    )
    assert result.returncode == 1, result.stderr
    assert (
        result.stderr.splitlines()[0]
        == "line 100002: answer 1 (q1) is 9, but the options are numbered 0-3"
    )
    growth_mb = (_max_child_rss_kb() - baseline) / 1024
    assert growth_mb < 15, f"peak memory grew by {growth_mb:.0f} MB"
    with (tmp_path / "b.csv").open() as handle:
        assert sum(1 for _ in handle) == 100_002


# AUDIT-C cut-offs (Bradley et al. 2007): positive at 3 or more with female thresholds, 4 or
# more with male thresholds. Totals of 0-2 and 4-12 give the same result under both; only a
# total of 3 depends on the choice.


def test_audit_c_without_thresholds_scores_when_the_cut_offs_agree():
    # 2 + 1 + 1 = 4: positive under both.
    assert run("score", "audit-c", "2", "1", "1") == (
        "AUDIT-C: total 4; Positive screen (the same under female and male thresholds)\n"
    )
    data = json.loads(run("score", "audit-c", "1", "1", "0", "--json"))  # 2: below under both
    assert (data["total"], data["band"], data["thresholds"]) == (2, "Below cut-off", "both")
    assert data["thresholds_note"] == "the same under female and male thresholds"
    chosen = json.loads(run("score", "audit-c", "2", "1", "1", "--thresholds", "male", "--json"))
    assert (chosen["thresholds"], "thresholds_note" in chosen) == ("male", False)


def test_audit_c_without_thresholds_refuses_when_they_disagree():
    with pytest.raises(CommandError, match=r"disagree for a total of 3 .*--thresholds female"):
        run("score", "audit-c", "1", "1", "1")


def test_audit_c_csv_without_thresholds(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("id,q1,q2,q3\na,2,1,1\nb,1,1,1\nc,0,0,0\n")
    out = io.StringIO()
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 bad row"):
        call_command("score", "audit-c", "--csv", str(source), stdout=out, stderr=err)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(r["total"], r["band"], r["thresholds_used"]) for r in rows] == [
        ("4", "Positive screen", "both"),
        ("", "", ""),
        ("0", "Below cut-off", "both"),
    ]
    assert "disagree for a total of 3" in rows[1]["error"]
    assert err.getvalue().startswith("line 3: ")
