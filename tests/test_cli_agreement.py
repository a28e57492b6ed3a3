"""The compare and agreement commands: published values, output at 80 columns, bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from annotate.cli import main
from annotate.model import AnnotatorFile
from annotate.storage import save_annotator_file
from tests.conftest import DATA, make_project
from tests.test_units import annotation

SAMPLE = Path(__file__).resolve().parents[1] / "sample_projects" / "industry-recovery"
TABLES = DATA / "agreement"
MARIA = str(SAMPLE / "annotations" / "maria.toml")
LEV = str(SAMPLE / "annotations" / "lev.toml")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the command in-process; return exit status, stdout and stderr."""
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def table_json(capsys: pytest.CaptureFixture[str], name: str, *extra: str) -> dict[str, object]:
    status, out, err = run(capsys, "agreement", "--table", str(TABLES / name), "--json", *extra)
    assert status == 0, err
    result: dict[str, object] = json.loads(out)
    return result


class TestAgreementTable:
    """``agreement --table`` on the published examples prints the published values."""

    @pytest.mark.parametrize(
        ("level", "published"),
        [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
    )
    def test_krippendorff_2011_all_levels(
        self, capsys: pytest.CaptureFixture[str], level: str, published: float
    ) -> None:
        """Krippendorff (2011), section C, as a unit,coder,label CSV: alpha at every level."""
        result = table_json(capsys, "krippendorff_2011.csv", "--level", level)
        assert round(result["krippendorff_alpha"], 3) == published  # type: ignore[call-overload]
        assert result["n_units"] == 12 and result["n_coders"] == 4
        assert "cohen_kappa" not in result

    def test_exact_keys_and_binary_example(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Krippendorff (2011), section A: alpha 0.095; two coders add cohen_kappa."""
        result = table_json(capsys, "krippendorff_2011_binary.csv")
        assert list(result) == [
            "n_units", "n_coders", "categories", "percent_agreement", "krippendorff_alpha",
            "scott_pi", "fleiss_kappa", "gwet_ac1", "cohen_kappa", "notes",
        ]  # fmt: skip
        assert round(result["krippendorff_alpha"], 3) == 0.095  # type: ignore[call-overload]
        assert result["categories"] == ["0", "1"]

    def test_fleiss_1971(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Fleiss (1971), Table 1, as a CSV: kappa 0.430; Scott's pi null with a note."""
        result = table_json(capsys, "fleiss_1971.csv")
        assert round(result["fleiss_kappa"], 3) == 0.430  # type: ignore[call-overload]
        assert result["scott_pi"] is None
        assert "two coders" in result["notes"]["scott_pi"]  # type: ignore[index]

    def test_one_category_nulls_have_notes(self, capsys: pytest.CaptureFixture[str]) -> None:
        """With one category the coefficients are null and each null has a note."""
        result = table_json(capsys, "one_category.csv")
        nulls = [k for k, v in result.items() if v is None]
        assert set(nulls) == {"krippendorff_alpha", "scott_pi", "fleiss_kappa", "gwet_ac1",
                              "cohen_kappa"}  # fmt: skip
        assert set(nulls) <= set(result["notes"])  # type: ignore[arg-type]
        assert result["percent_agreement"] == 1.0

    def test_human_output(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Without --json the coefficients print as a table within 80 columns."""
        status, out, _ = run(capsys, "agreement", "--table", str(TABLES / "fleiss_1971.csv"))
        assert status == 0
        assert "Fleiss' kappa" in out and "0.430" in out
        assert max(map(len, out.splitlines())) <= 80

    def test_bad_header_one_line_exit_2(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A CSV without the three columns fails with one line naming what is missing."""
        status, out, err = run(
            capsys, "agreement", "--table", str(TABLES / "bad_missing_column.csv")
        )
        assert status == 2 and out == ""
        assert err.count("\n") == 1
        assert "missing coder" in err

    def test_non_numeric_interval_label(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """The interval level rejects a text label, naming the line."""
        path = tmp_path / "r.csv"
        path.write_text("unit,coder,label\n1,a,3\n1,b,high\n", encoding="utf-8")
        status, _, err = run(capsys, "agreement", "--table", str(path), "--level", "interval")
        assert status == 2
        assert "r.csv:3: the interval level needs numeric labels, got 'high'" in err

    def test_conflicting_ratings_and_usage(self, capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:  # fmt: skip
        """A coder rating a unit twice, or a project and --table together, exit 2."""
        path = tmp_path / "r.csv"
        path.write_text("unit,coder,label\n1,a,x\n1,a,y\n", encoding="utf-8")
        assert run(capsys, "agreement", "--table", str(path))[0] == 2
        assert run(capsys, "agreement", str(SAMPLE), "--table", str(path))[0] == 2
        assert run(capsys, "agreement", "--table", str(tmp_path / "none.csv"))[0] == 2


class TestCompareCommand:
    """``compare`` on the sample project."""

    def test_reads_well_at_80_columns(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Every line of the report fits 80 columns and all sections are present."""
        status, out, err = run(capsys, "compare", MARIA, LEV)
        assert status == 0, err
        assert max(map(len, out.splitlines())) <= 80
        for heading in ("Per tag", "bootstrap", "Spans", "Across tags", "Confusion",
                        "Disagreements (22 sentences)"):  # fmt: skip
            assert heading in out
        assert "industry-recovery #5  tag differs: figure" in out

    def test_json_filters(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--json --tag narrows the report to one tag and its disagreements."""
        status, out, _ = run(capsys, "compare", MARIA, LEV, "--json", "--tag", "figure")
        assert status == 0
        data = json.loads(out)
        assert [t["tag"] for t in data["tags"]] == ["figure"]
        assert all(d["differing_tags"] == ["figure"] for d in data["disagreements"])
        assert data["tags"][0]["positive_units"] == {"maria": 6, "lev": 4}

    def test_unknown_document(self, capsys: pytest.CaptureFixture[str]) -> None:
        """An unknown --document fails with one line."""
        status, _, err = run(capsys, "compare", MARIA, LEV, "--document", "nope")
        assert status == 2
        assert "no document 'nope'" in err

    def test_agreement_on_project(self, capsys: pytest.CaptureFixture[str]) -> None:
        """``agreement PROJECT`` prints per-tag and pairwise tables within 80 columns."""
        status, out, _ = run(capsys, "agreement", str(SAMPLE))
        assert status == 0
        assert "lev vs maria" in out
        assert max(map(len, out.splitlines())) <= 80
        status, out, _ = run(capsys, "agreement", str(SAMPLE), "--json")
        assert json.loads(out)["pairs"][0]["annotators"] == ["lev", "maria"]


class TestBadAnnotatorFiles:
    """Files that do not belong to the project are refused with one line and exit 2."""

    @pytest.fixture
    def project_root(self, tmp_path: Path) -> Path:
        root = tmp_path / "project"
        make_project(root)
        return root

    @pytest.mark.parametrize(
        ("bad_file", "message"),
        [("bad_other_project.toml", "belongs to another project"),
         ("bad_unknown_tag.toml", "unknown tag 'figur'")],
    )  # fmt: skip
    def test_refused(
        self, capsys: pytest.CaptureFixture[str], project_root: Path, bad_file: str, message: str
    ) -> None:
        """An annotator file from another project, or with an unknown tag, exits 2."""
        annotations = project_root / "annotations"
        annotations.mkdir(exist_ok=True)
        bad = annotations / "bad.toml"
        shutil.copy(DATA / bad_file, bad)
        good = annotations / "good.toml"
        save_annotator_file(good, AnnotatorFile(annotator="good", project="5a3b1e0c9d2f4a61"))
        status, out, err = run(capsys, "compare", str(good), str(bad))
        assert status == 2 and out == ""
        assert message in err and err.count("\n") == 1

    def test_file_outside_a_project(self, capsys: pytest.CaptureFixture[str],
                                    tmp_path: Path) -> None:  # fmt: skip
        """Files with no project.toml above them ask for --project."""
        lone = tmp_path / "a.toml"
        lone.write_text("", encoding="utf-8")
        status, _, err = run(capsys, "compare", str(lone), str(lone))
        assert status == 2 and "--project" in err


class TestEscaping:
    """Text from files is shown literally: no markup, no terminal escapes."""

    def test_markup_and_escapes_in_text_are_inert(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """A sentence with rich markup and an ESC sequence prints literally, ESC made visible."""
        text = "A [bold red]claim[/] here \x1b[31mred.\nNext one.\n"
        root = tmp_path / "p"
        first_end = text.index("\n")
        make_project(root, text=text, spans=[(0, first_end), (first_end + 1, len(text) - 1)])
        annotations = root / "annotations"
        annotations.mkdir(exist_ok=True)
        files = []
        for name, tags in (("ann", ["quote"]), ("bob", [])):
            made = []
            for i, tag in enumerate(tags):
                made.append(annotation(f"{name}{i}", 0, 5, tag).model_copy(
                    update={"quote": text[0:5]}))  # fmt: skip
            path = annotations / f"{name}.toml"
            save_annotator_file(path, AnnotatorFile(
                annotator=name, project="5a3b1e0c9d2f4a61", reviewed={"doc": [0, 1]},
                annotations=made))  # fmt: skip
            files.append(str(path))
        status, out, err = run(capsys, "compare", *files)
        assert status == 0, err
        assert "\x1b" not in out
        assert "[bold red]claim[/]" in out
        assert "\\e[31mred." in out


class TestFailBelow:
    """``--fail-below ALPHA`` turns the report into a check: exit 1 when an alpha misses it."""

    def test_table_below_and_above(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Krippendorff (2011) nominal alpha is 0.743: 0.8 fails with exit 1, 0.667 passes."""
        table = str(TABLES / "krippendorff_2011.csv")
        status, out, err = run(capsys, "agreement", "--table", table, "--json",
                               "--fail-below", "0.8")
        assert status == 1
        assert json.loads(out)["n_units"] == 12  # the report is still printed in full
        assert "below 0.8" in err and "(0.743)" in err
        status, _, err = run(capsys, "agreement", "--table", table, "--fail-below", "0.667")
        assert status == 0
        assert "at least 0.667 for the one figure checked" in err

    def test_nothing_computable_fails(self, capsys: pytest.CaptureFixture[str]) -> None:
        """With one category alpha is undefined: listed with its reason, and the check
        fails because no alpha showed agreement."""
        status, _, err = run(capsys, "agreement", "--table", str(TABLES / "one_category.csv"),
                             "--fail-below", "0.5")
        assert status == 1
        assert "no Krippendorff's alpha could be computed" in err
        assert "not checked, alpha undefined for the ratings in" in err

    def test_compare_names_the_tags_below(self, capsys: pytest.CaptureFixture[str]) -> None:
        """compare checks each tag's alpha and the alpha across tags, naming those below."""
        status, _, err = run(capsys, "compare", MARIA, LEV, "--resamples", "20",
                             "--fail-below", "0.7")
        assert status == 1
        first = err.splitlines()[0]
        assert first.startswith("annotate: Krippendorff's alpha is below 0.7 for ")
        assert "assertion (" in first
        status, _, _ = run(capsys, "compare", MARIA, LEV, "--resamples", "20",
                           "--fail-below", "0.5")
        assert status == 0

    def test_project_agreement(self, capsys: pytest.CaptureFixture[str]) -> None:
        """agreement on a project checks every tag's multi-annotator alpha."""
        status, _, err = run(capsys, "agreement", str(SAMPLE), "--fail-below", "0.99")
        assert status == 1 and "across tags (MASI)" in err
        assert run(capsys, "agreement", str(SAMPLE), "--fail-below", "-1")[0] == 0

    @pytest.mark.parametrize("value", ["1.5", "-2", "high", "nan"])
    def test_bad_threshold(self, capsys: pytest.CaptureFixture[str], value: str) -> None:
        """A threshold outside [-1, 1] or not a number is a usage error, exit 2."""
        with pytest.raises(SystemExit) as exit_:
            main(["agreement", str(SAMPLE), "--fail-below", value])
        assert exit_.value.code == 2
        assert "give an alpha between -1 and 1" in capsys.readouterr().err
