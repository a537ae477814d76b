"""Pages to manage officials, the posts they hold and their tenures."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Blueprint, Flask, Response, abort, flash, redirect, render_template, request, url_for
from sqlmodel import Session
from werkzeug.wrappers import Response as BaseResponse

from tracker import csvio
from tracker.clock import today
from tracker.db import get_engine, get_session
from tracker.forms import DATE_HINT, parse_form
from tracker.models import OfficialCreate, OfficialKind, PostUpdate, TenureCreate
from tracker.names import clean_name
from tracker.store import InputError, people, reference
from tracker.store import posts as stored_posts

bp = Blueprint("officials", __name__)

OFFICIAL_FIELDS = ("name", "country", "kind")
TENURE_FIELDS = ("post", "country", "start", "end")


def _values() -> dict[str, str]:
    return {k: v for k, v in request.form.items() if k != "csrf_token"}


def _list_page(values: dict[str, str], errors: dict[str, str], status: int = 200) -> tuple[str, int]:
    page = render_template(
        "officials.html",
        officials=people.list_official_summaries(get_session()),
        values=values,
        errors=errors,
        kinds=tuple(OfficialKind),
    )
    return page, status


@bp.get("/officials")
def officials() -> tuple[str, int]:
    """Every official, with a form to add one."""
    return _list_page({"kind": "person"}, {})


@bp.post("/officials")
def create_official() -> tuple[str, int] | BaseResponse:
    """Add an official."""
    values = _values()
    item, errors = parse_form(values, OfficialCreate, OFFICIAL_FIELDS)
    if item is not None:
        try:
            official = people.save_official(get_session(), item)
        except InputError as exc:
            errors = exc.errors
        else:
            flash(f"Added {official.name} ({official.country}). Record the posts they held below.", "success")
            return redirect(url_for("officials.official", official_id=official.id))
    flash("The official was not added: please correct the fields marked below.", "error")
    return _list_page(values, errors, 400)


def _official_page(
    official_id: int,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    tenure_values: dict[str, str] | None = None,
    tenure_errors: dict[str, str] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    session = get_session()
    official = people.get_official(session, official_id)
    if official is None:
        abort(404, description=f"There is no official {official_id}.")
    current = {"name": official.name, "country": official.country, "kind": official.kind}
    page = render_template(
        "official.html",
        official=official,
        tenures=stored_posts.list_tenures(session, official_id=official_id),
        aliases=people.list_aliases(session, official_id),
        events=people.event_counts(session).get(official_id, 0),
        others=[o for o in people.list_official_summaries(session) if o.id != official_id],
        posts=stored_posts.list_posts(session),
        values=values or current,
        errors=errors or {},
        tenure_values=tenure_values or {"country": official.country},
        tenure_errors=tenure_errors or {},
        kinds=tuple(OfficialKind),
        date_hint=DATE_HINT,
    )
    return page, status


@bp.get("/officials/<id:official_id>")
def official(official_id: int) -> tuple[str, int]:
    """One official: their details and the posts they held, editable."""
    return _official_page(official_id)


@bp.post("/officials/<id:official_id>")
def update_official(official_id: int) -> tuple[str, int] | BaseResponse:
    """Change an official's name, country or kind."""
    values = _values()
    item, errors = parse_form(values, OfficialCreate, OFFICIAL_FIELDS)
    if item is not None:
        try:
            people.save_official(get_session(), item, official_id)
        except LookupError:
            abort(404, description=f"There is no official {official_id}.")
        except InputError as exc:
            errors = exc.errors
        else:
            flash(f"Saved {item.name}.", "success")
            return redirect(url_for("officials.official", official_id=official_id))
    flash("The changes were not saved: please correct the fields marked below.", "error")
    return _official_page(official_id, values=values, errors=errors, status=400)


@bp.post("/officials/<id:official_id>/tenures")
def add_tenure(official_id: int) -> tuple[str, int] | BaseResponse:
    """Record a post the official held, from when to when."""
    values = _values()
    item, errors = parse_form(values, TenureCreate, TENURE_FIELDS, dates=("start", "end"))
    if item is not None:
        try:
            stored_posts.save_tenure(get_session(), official_id, item)
        except LookupError:
            abort(404, description=f"There is no official {official_id}.")
        flash(f"Recorded: {item.post} ({_span(item)}).", "success")
        return redirect(url_for("officials.official", official_id=official_id))
    flash("The post was not recorded: please correct the fields marked below.", "error")
    return _official_page(official_id, tenure_values=values, tenure_errors=errors, status=400)


@bp.post("/officials/<id:official_id>/tenures/<id:tenure_id>")
def update_tenure(official_id: int, tenure_id: int) -> tuple[str, int] | BaseResponse:
    """Change a tenure's post or dates."""
    values = _values()
    item, errors = parse_form(values, TenureCreate, TENURE_FIELDS, dates=("start", "end"))
    if item is not None:
        try:
            stored_posts.save_tenure(get_session(), official_id, item, tenure_id)
        except LookupError:
            abort(404, description=f"There is no tenure {tenure_id} of official {official_id}.")
        flash(f"Saved: {item.post} ({_span(item)}).", "success")
        return redirect(url_for("officials.official", official_id=official_id))
    flash("The tenure was not saved: " + "; ".join(f"{k}: {v}" for k, v in errors.items()), "error")
    return _official_page(official_id, status=400)


@bp.post("/officials/<id:official_id>/tenures/<id:tenure_id>/delete")
def delete_tenure(official_id: int, tenure_id: int) -> BaseResponse:
    """Remove a tenure."""
    try:
        stored_posts.delete_tenure(get_session(), tenure_id)
    except LookupError:
        abort(404, description=f"There is no tenure {tenure_id}.")
    flash("Tenure removed.", "success")
    return redirect(url_for("officials.official", official_id=official_id))


@bp.get("/posts")
def posts() -> str:
    """Every post with its holders in order."""
    return render_template("posts.html", posts=stored_posts.list_posts(get_session()))


@bp.post("/posts/<id:post_id>")
def rename_post(post_id: int) -> BaseResponse:
    """Change a post's title or country."""
    item, errors = parse_form(_values(), PostUpdate, ("title", "country"))
    if item is None:
        flash("Not renamed: " + "; ".join(f"{k} {v}" for k, v in errors.items()), "error")
        return redirect(url_for("officials.posts"), code=303)
    try:
        stored_posts.rename_post(get_session(), post_id, item.title, item.country)
    except LookupError:
        abort(404, description=f"There is no post {post_id}.")
    except InputError as exc:
        flash("Not renamed: " + "; ".join(exc.errors.values()), "error")
    else:
        flash(f"Saved post: {item.title} ({item.country}).", "success")
    return redirect(url_for("officials.posts"), code=303)


@bp.post("/posts/<id:post_id>/merge")
def merge_post(post_id: int) -> BaseResponse:
    """Fold a post into another that names the same office."""
    into = request.form.get("into", "")
    if not into.isdigit():
        flash("Not merged: choose the post to merge into.", "error")
        return redirect(url_for("officials.posts"), code=303)
    try:
        merged, kept, moved = stored_posts.merge_posts(get_session(), post_id, int(into))
    except LookupError as exc:
        abort(404, description=str(exc))
    except InputError as exc:
        flash("Not merged: " + "; ".join(exc.errors.values()), "error")
        return redirect(url_for("officials.posts"), code=303)
    flash(f"Merged “{merged}” into “{kept}”: {moved} tenure(s) moved.", "success")
    return redirect(url_for("officials.posts", _anchor=f"post-{into}"), code=303)


@bp.post("/officials/<id:official_id>/aliases")
def add_alias(official_id: int) -> BaseResponse:
    """Record another spelling of the official's name."""
    name = request.form.get("alias", "").strip()
    if not name:
        flash("Not added: give the other spelling.", "error")
        return redirect(url_for("officials.official", official_id=official_id), code=303)
    try:
        alias = people.add_alias(get_session(), official_id, clean_name(name))
    except LookupError:
        abort(404, description=f"There is no official {official_id}.")
    except (InputError, ValueError) as exc:
        flash(
            "Not added: " + ("; ".join(exc.errors.values()) if isinstance(exc, InputError) else str(exc)),
            "error",
        )
    else:
        flash(f"“{alias.name}” now finds this official in the form, imports and the API.", "success")
    return redirect(url_for("officials.official", official_id=official_id, _anchor="aliases"), code=303)


@bp.post("/officials/<id:official_id>/aliases/<id:alias_id>/delete")
def delete_alias(official_id: int, alias_id: int) -> BaseResponse:
    """Forget a spelling."""
    try:
        alias = people.delete_alias(get_session(), alias_id)
    except LookupError:
        abort(404, description=f"There is no alias {alias_id}.")
    flash(f"“{alias.name}” is no longer a spelling of this official.", "success")
    return redirect(url_for("officials.official", official_id=official_id, _anchor="aliases"), code=303)


@bp.post("/officials/<id:official_id>/merge")
def merge_official(official_id: int) -> BaseResponse:
    """Fold this official into another: events, tenures and spellings move; the name becomes a spelling."""
    into = request.form.get("into", "")
    if not into.isdigit():
        flash("Not merged: choose the official to merge into.", "error")
        return redirect(url_for("officials.official", official_id=official_id), code=303)
    try:
        done = people.merge_officials(get_session(), official_id, int(into))
    except LookupError as exc:
        abort(404, description=str(exc))
    except InputError as exc:
        flash("Not merged: " + "; ".join(exc.errors.values()), "error")
        return redirect(url_for("officials.official", official_id=official_id), code=303)
    extra = (
        f"; {done.corroborated} event(s) that became the same contact are now one, with both sources"
        if done.corroborated
        else ""
    )
    flash(
        f"Merged {done.merged} into {done.kept}: {done.events} event(s) and {done.tenures} tenure(s) moved{extra}. "
        f"“{done.merged}” is now a spelling of {done.kept}.",
        "success",
    )
    return redirect(url_for("officials.official", official_id=int(into)), code=303)


@bp.post("/officials/<id:official_id>/delete")
def delete_official(official_id: int) -> BaseResponse:
    """Remove an official who is a side of no event."""
    try:
        official = people.delete_official(get_session(), official_id)
    except LookupError:
        abort(404, description=f"There is no official {official_id}.")
    except InputError as exc:
        flash("Not deleted: " + "; ".join(exc.errors.values()), "error")
        return redirect(url_for("officials.official", official_id=official_id), code=303)
    flash(f"Deleted {official.name}.", "success")
    return redirect(url_for("officials.officials"), code=303)


@bp.post("/posts/<id:post_id>/aliases")
def add_post_alias(post_id: int) -> BaseResponse:
    """Record another wording of a post's title."""
    title = request.form.get("alias", "").strip()
    if not title:
        flash("Not added: give the other wording.", "error")
        return redirect(url_for("officials.posts", _anchor=f"post-{post_id}"), code=303)
    try:
        alias = stored_posts.add_post_alias(get_session(), post_id, clean_name(title))
    except LookupError:
        abort(404, description=f"There is no post {post_id}.")
    except (InputError, ValueError) as exc:
        flash(
            "Not added: " + ("; ".join(exc.errors.values()) if isinstance(exc, InputError) else str(exc)),
            "error",
        )
    else:
        flash(f"“{alias.title}” now names this post in events, imports and tenures.", "success")
    return redirect(url_for("officials.posts", _anchor=f"post-{post_id}"), code=303)


@bp.post("/posts/aliases/<id:alias_id>/delete")
def delete_post_alias(alias_id: int) -> BaseResponse:
    """Forget a wording of a post."""
    try:
        alias = stored_posts.delete_post_alias(get_session(), alias_id)
    except LookupError:
        abort(404, description=f"There is no post alias {alias_id}.")
    flash(f"“{alias.title}” no longer names that post.", "success")
    return redirect(url_for("officials.posts", _anchor=f"post-{alias.post_id}"), code=303)


@bp.get("/reference.csv")
def reference_csv() -> Response:
    """Offices, people, their other wordings and tenures in the reference format (``flask load-reference``)."""
    engine = get_engine()

    def rows() -> Iterator[dict[str, str]]:
        # The body is read after the request ends: it reads on a session of its own.
        with Session(engine) as session:
            yield from reference.export_rows(session)

    return Response(
        csvio.export_csv(rows(), csvio.REFERENCE_COLUMNS),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="contact-reference-{today().isoformat()}.csv"'
        },
    )


def _span(item: TenureCreate) -> str:
    start = item.start.isoformat() if item.start else "?"
    end = item.end.isoformat() if item.end else "now"
    return f"{start} to {end}"


def init_app(app: Flask) -> None:
    """Register the pages."""
    app.register_blueprint(bp)
