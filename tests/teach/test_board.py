"""The dashboard's chart, CSV and QR code, from rows as the store returns them."""

from __future__ import annotations

import csv
import io

from PIL import Image

from playground.teach import Answer, csv_bytes, distribution_figure, make_board, qr_png

LABELS = {"right": "PyTorch's answer", "known": "a common mistake", "others": "other answers",
          "students": "students"}  # fmt: skip


def _attempt(student, answer, correct, push_id=1, exercise="broadcasting.result_shape", at=0.0):
    return {"student": student, "nickname": f"s{student}", "exercise_id": exercise, "seed": 0,
            "answer": answer, "correct": correct, "push_id": push_id, "at": at}  # fmt: skip


def test_the_chart_hides_the_right_answer_until_it_is_revealed():
    answers = [Answer("(3, 4)", 5, False, True), Answer("(2, 3, 4)", 3, True, False),
               Answer("<b>x</b>", 1, False, False)]  # fmt: skip
    hidden = distribution_figure(answers, labels=LABELS, revealed=False).data[0]
    assert set(hidden.marker.color) == {"#5f6368"} and list(hidden.x) == [5, 3, 1]
    shown = distribution_figure(answers, labels=LABELS, revealed=True).data[0]
    assert list(shown.marker.color) == ["#b35c00", "#1a7f37", "#b31d28"]
    assert list(shown.y) == ["(3, 4)", "(2, 3, 4)", "&lt;b&gt;x&lt;/b&gt;"]  # typed, never markup
    assert list(shown.customdata) == ["a common mistake", "PyTorch's answer", ""]
    # Not by colour alone: the bars say which is right once revealed, and nothing before.
    assert list(shown.text) == ["5  a common mistake", "3  PyTorch's answer", "1"]
    assert list(hidden.text) == ["5", "3", "1"]


def test_many_distinct_answers_fold_into_others():
    answers = [Answer(f"({k},)", 20 - k, False, False) for k in range(15)]
    bars = distribution_figure(answers, labels=LABELS, revealed=True).data[0]
    assert len(bars.y) == 13 and bars.y[-1] == "other answers"
    assert bars.x[-1] == sum(20 - k for k in range(12, 15))


def test_the_board_counts_each_students_first_answer_to_the_push():
    students = [{"id": k, "seen_at": 100.0 - 200 * (k == 2)} for k in range(3)]
    attempts = [_attempt(0, "(3, 4)", False), _attempt(0, "(2, 3, 4)", True),
                _attempt(1, "(2, 3, 4)", True), _attempt(2, "(9,)", False, push_id=None),
                _attempt(2, "(2, 3, 4)", True, push_id=2)]  # fmt: skip
    board = make_board(students, attempts, now=100.0, push_id=1, known_wrong=["(3, 4)"])
    assert (board.joined, board.active, board.attempts, board.answered) == (3, 2, 5, 2)
    assert [(a.text, a.count, a.correct, a.known) for a in board.answers] == [
        ("(2, 3, 4)", 1, True, False), ("(3, 4)", 1, False, True)]  # fmt: skip
    (row,) = board.per_exercise
    assert (row["tried"], row["solved"], row["first_try"], row["attempts"]) == (3, 3, 1, 5)
    assert make_board(students, attempts, now=100.0).answers == []  # nothing pushed


def test_the_csv_quotes_what_a_spreadsheet_would_run():
    rows = [_attempt(0, "=HYPERLINK(\"http://x\")", False, at=1_800_000_000),
            {**_attempt(1, "(2, 3)", True, push_id=None), "nickname": "@admin"}]  # fmt: skip
    table = list(
        csv.DictReader(
            io.StringIO(csv_bytes(rows, {"broadcasting.result_shape": "B · 1"}).decode("utf-8-sig"))
        )
    )
    assert table[0]["answer"] == '\'=HYPERLINK("http://x")' and table[1]["nickname"] == "'@admin"
    assert table[0]["time_utc"] == "2027-01-15T08:00:00+00:00" and table[0]["title"] == "B · 1"
    assert [r["pushed"] for r in table] == ["True", "False"]


def test_the_qr_code_is_a_square_black_and_white_png():
    image = Image.open(io.BytesIO(qr_png("http://example.org/teach?join=ABCDEF", scale=4)))
    assert image.format == "PNG" and image.width == image.height
    assert set(image.convert("L").tobytes()) == {0, 255}
    bigger = Image.open(
        io.BytesIO(qr_png("http://example.org/teach?join=ABCDEF" + "x" * 200, scale=4))
    )
    assert bigger.width > image.width  # a longer link needs a larger symbol


def test_the_names_board_shows_first_answers_and_rightness_only_after_the_reveal():
    from playground.teach import by_student

    attempts = [_attempt(1, "(3, 4)", False), _attempt(0, "(2, 3, 4)", True),
                _attempt(1, "(2, 3, 4)", True), _attempt(2, "(1,)", False, push_id=7)]  # fmt: skip
    assert by_student(attempts, 1, revealed=False) == [
        {"nickname": "s0", "answer": "(2, 3, 4)"}, {"nickname": "s1", "answer": "(3, 4)"}]  # fmt: skip
    assert [r["correct"] for r in by_student(attempts, 1, revealed=True)] == [True, False]
