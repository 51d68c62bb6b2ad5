"""The UI's helpers for invitations, invitation links and notices."""

from __future__ import annotations

from ui.api.convert import decode
from ui.api.types import Project, UserRef
from ui.api.types_invitations import InvitationOutcome, InvitationPreview, Notice
from ui.state.invitations import day_of, link_message, who
from ui.state.notices import notice_rows, notice_text
from ui.state.signup import invitation_line, join_path, project_path

INVITATION = {
    "id": "i1",
    "email": "nina@example.com",
    "role": "reporter",
    "invitedAs": "individual",
    "invitedBy": {"id": "u1", "name": "Olga", "email": "olga@example.com"},
    "createdAt": "2026-12-04T10:00:00Z",
    "expiresAt": "2026-12-18T10:00:00Z",
    "link": "http://127.0.0.1:3000/signup?invitation=abc",
    "emailed": False,
}


def test_the_expiry_day_is_the_utc_day_and_anything_else_stays_as_it_is() -> None:
    assert day_of("2026-12-18T10:00:00Z") == "18 December 2026"
    assert day_of("2026-12-18T23:30:00-02:00") == "19 December 2026"
    assert day_of("2026-01-05T08:00:00.123456+00:00") == "5 January 2026"
    assert day_of("soon") == "soon"


def test_the_new_link_says_who_it_is_for_that_it_works_once_and_until_when() -> None:
    assert link_message("nina@example.com", "2026-12-18T10:00:00Z") == (
        "Send this link to nina@example.com; it works once, until 18 December 2026."
    )
    emailed = link_message("nina@example.com", "2026-12-18T10:00:00Z", emailed=True)
    assert emailed.startswith("This link is on its way to nina@example.com by email")
    assert emailed.endswith("it works once, until 18 December 2026.")


def test_an_invitation_outcome_is_either_a_member_or_a_link() -> None:
    added = decode(InvitationOutcome, {"member": {"userId": "u2", "email": "a@example.com", "role": "developer"}})
    assert added.member is not None
    assert added.member.role == "developer"
    assert added.invitation is None

    pending = decode(InvitationOutcome, {"member": None, "invitation": INVITATION})
    assert pending.member is None
    assert pending.invitation is not None
    assert (pending.invitation.link, pending.invitation.invited_as) == (INVITATION["link"], "individual")
    assert pending.invitation.invited_by == UserRef(id="u1", name="Olga", email="olga@example.com")


def test_people_are_named_by_name_then_email_and_a_deleted_inviter_is_someone() -> None:
    assert who(UserRef(name="Olga", email="olga@example.com")) == "Olga"
    assert who(UserRef(email="olga@example.com")) == "olga@example.com"
    assert who(None) == "Someone"


def test_a_notice_says_who_added_you_to_which_project_with_which_role() -> None:
    notice = decode(
        Notice,
        {
            "projectId": "p1",
            "projectName": "Billing",
            "projectSlug": "billing",
            "role": "developer",
            "invitedBy": {"id": "u1", "name": "", "email": "olga@example.com"},
            "addedAt": "2026-12-04T10:00:00Z",
        },
    )
    assert notice_text(notice) == "olga@example.com added you to Billing as developer"
    (row,) = notice_rows([notice])
    assert (row.project_id, row.project_slug, row.text) == ("p1", "billing", notice_text(notice))
    assert notice_text(Notice(project_name="Ops", role="owner")) == "Someone added you to Ops as owner"


def test_the_sign_up_page_names_the_project_the_role_and_the_inviter() -> None:
    preview = InvitationPreview(project_name="Billing", email="nina@example.com", role="reporter", invited_by="Olga")
    assert invitation_line(preview) == "Join Billing as reporter (invited by Olga)"
    preview.invited_by = None
    assert invitation_line(preview) == "Join Billing as reporter"
    assert join_path("tok_en-1") == "/join?invitation=tok_en-1"


def test_a_new_member_lands_in_the_project_of_the_invitation_or_on_the_list() -> None:
    billing, other = Project(name="Billing", slug="billing"), Project(name="Other", slug="other")
    assert project_path([other, billing], "Billing") == "/projects/billing/overview"
    assert project_path([other], "Billing") == "/projects"
    twin = Project(name="Billing", slug="billing-2")
    assert project_path([billing, twin], "Billing") == "/projects"
