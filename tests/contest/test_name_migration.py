"""Migration 0011 stores every entry's and finalist's name in the new normalised form, keeps
every row, and leaves one person's second copy of a name in its old form (counted)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.contest import services as svc
from app.contest.models import Entry, Finalist
from app.extensions import db
from tests.conftest import both_databases
from tests.contest.conftest import add_entry, make_campaign
from tests.factories import UserFactory

BEFORE = "0010_voting_extension"


def _forms(model) -> dict[int, str]:
    return dict(db.session.execute(sa.select(model.id, model.normalised_name)).all())


@both_databases
def test_stored_names_take_the_new_form_and_nothing_is_deleted(bare_app, capsys):
    with bare_app.app_context():
        upgrade()
        campaign = make_campaign("submissions")
        one, two = UserFactory(verified=True), UserFactory(verified=True)
        # As the site stored them before 0011 (shown name, old normalised form).
        legacy = [
            (one, "ไอซี1", "ไอซี1"),
            (one, "ไอซี๑", "ไอซี๑"),  # the same person's same name: one of them stays
            (one, "e-Jai", "e-jai"),
            (two, "เเอ", "เเอ"),
            (two, "น้ิว", "น้ิว"),
        ]
        placeholders = ["ชื่อหนึ่ง", "ชื่อสอง", "ชื่อสาม", "ชื่อสี่", "ชื่อห้า"]
        entries = [add_entry(campaign, person, name) for (person, *_), name in
                   zip(legacy, placeholders, strict=True)]  # fmt: skip
        ids = [entry.id for entry in entries]
        db.session.add_all(
            [
                Finalist(campaign_id=campaign.id, normalised_name="x1", display_name="e-Jai",
                         meaning="ความหมายของชื่อ", position=1),
                Finalist(campaign_id=campaign.id, normalised_name="x2", display_name="E Jai",
                         meaning="ความหมายของชื่อ", position=2),
                Finalist(campaign_id=campaign.id, normalised_name="x3", display_name="แอ",
                         meaning="ความหมายของชื่อ", position=3),
            ]
        )  # fmt: skip
        db.session.commit()
        finalist_ids = sorted(_forms(Finalist))
        campaign_id = campaign.id
        db.session.remove()

        downgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            for entry_id, (_, shown, old) in zip(ids, legacy, strict=True):
                connection.execute(
                    sa.text(
                        "UPDATE entry SET proposed_name = :s, normalised_name = :n WHERE id = :id"
                    ),
                    {"s": shown, "n": old, "id": entry_id},
                )
            for finalist_id, old in zip(finalist_ids, ["e-jai", "ejai", "เเอ"], strict=True):
                connection.execute(
                    sa.text("UPDATE finalist SET normalised_name = :n WHERE id = :id"),
                    {"n": old, "id": finalist_id},
                )
        capsys.readouterr()
        upgrade()
        printed = capsys.readouterr().out

        entries = {entry.id: entry for entry in db.session.scalars(sa.select(Entry))}
        assert sorted(entries) == sorted(ids)  # nothing deleted
        forms = [entries[i].normalised_name for i in ids]
        assert forms == ["ไอซี1", "ไอซี๑", "ejai", "แอ", "นิ้ว"]
        assert [entries[i].proposed_name for i in ids] == [shown for _, shown, _ in legacy]
        kept = entries[ids[1]].reference_code
        assert "1 entries kept their stored form" in printed and kept in printed
        # Finalists: "ejai" already held its form; "e-jai" would clash and keeps its own.
        assert [_forms(Finalist)[i] for i in finalist_ids] == ["e-jai", "ejai", "แอ"]
        assert "1 finalists kept their stored form" in printed
        # The service and the stored rows now agree: "แอ" finds the entry typed "เเอ".
        campaign = db.session.get(type(campaign), campaign_id)
        assert svc.group_counts(campaign, [svc.normalise_name("แอ")]) == {"แอ": 1}
        db.session.remove()

        downgrade(revision=BEFORE)  # back to the earlier form, from the name as shown
        with db.engine.connect() as connection:
            rows = dict(connection.execute(sa.text("SELECT id, normalised_name FROM entry")).all())
        assert [rows[i] for i in ids] == [old for _, _, old in legacy]
