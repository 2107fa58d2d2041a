"""Articles by slug: list, create, read, update and delete (author only), favorite."""

from __future__ import annotations

import re
import secrets

from fastapi import APIRouter, HTTPException, Query, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .deps import CurrentCaller, Db, OptionalCaller
from .models import Article, Favorite, User
from .schemas import ArticleCreateBody, ArticleUpdateBody

router = APIRouter(prefix="/api/articles")


def slugify(title: str) -> str:
    """``"Hello, World!"`` → ``hello-world-3f9c2a`` (unique: a random suffix)."""
    words = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:80] or "article"
    return f"{words}-{secrets.token_hex(3)}"


def _find(db: Session, slug: str) -> Article:
    article = db.scalar(select(Article).where(Article.slug == slug))
    if article is None:
        raise HTTPException(404, f"article {slug!r} not found")
    return article


def _owned(db: Session, slug: str, caller: CurrentCaller) -> Article:
    article = _find(db, slug)
    if article.author_id != caller.user.id:
        raise HTTPException(403, "only the author may change this article")
    return article


def _view(db: Session, article: Article, viewer: User | None) -> dict:
    count = db.scalar(select(func.count()).where(Favorite.article_id == article.id)) or 0
    mine = viewer is not None and db.get(Favorite, (viewer.id, article.id)) is not None
    author = db.get(User, article.author_id)
    return {
        "slug": article.slug,
        "title": article.title,
        "description": article.description,
        "body": article.body,
        "tagList": [],  # known defect, kept on purpose: tags are accepted but never stored
        "createdAt": article.created_at.isoformat() + "Z",
        "updatedAt": article.updated_at.isoformat() + "Z",
        "favorited": mine,
        "favoritesCount": count,
        "author": {"username": author.username if author else None},
    }


@router.get("")
def list_articles(
    db: Db,
    caller: OptionalCaller,
    author: str | None = None,
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0),
) -> dict:
    query = select(Article).order_by(Article.id.desc())
    if author is not None:
        query = query.join(User, User.id == Article.author_id).where(User.username == author)
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.scalars(query.limit(limit).offset(offset)).all()
    viewer = caller.user if caller else None
    return {"articles": [_view(db, a, viewer) for a in rows], "articlesCount": total}


@router.post("", status_code=201)
def create_article(body: ArticleCreateBody, db: Db, caller: CurrentCaller) -> dict:
    given = body.article
    article = Article(
        slug=slugify(given.title),
        title=given.title,
        description=given.description,
        body=given.body,
        author_id=caller.user.id,
    )
    db.add(article)
    db.commit()
    return {"article": _view(db, article, caller.user)}


@router.get("/{slug}")
def get_article(slug: str, db: Db, caller: OptionalCaller) -> dict:
    return {"article": _view(db, _find(db, slug), caller.user if caller else None)}


@router.put("/{slug}")
def update_article(slug: str, body: ArticleUpdateBody, db: Db, caller: CurrentCaller) -> dict:
    article = _owned(db, slug, caller)
    changes = body.article.model_dump(exclude_none=True)
    if not changes:
        raise HTTPException(400, "nothing to update: give title, description or body")
    for field, value in changes.items():
        setattr(article, field, value)
    db.commit()
    return {"article": _view(db, article, caller.user)}


@router.delete("/{slug}", status_code=204)
def delete_article(slug: str, db: Db, caller: CurrentCaller) -> Response:
    article = _owned(db, slug, caller)
    db.query(Favorite).filter(Favorite.article_id == article.id).delete()
    db.delete(article)
    db.commit()
    return Response(status_code=204)


@router.post("/{slug}/favorite")
def favorite(slug: str, db: Db, caller: CurrentCaller) -> dict:
    article = _find(db, slug)
    if db.get(Favorite, (caller.user.id, article.id)) is None:
        db.add(Favorite(user_id=caller.user.id, article_id=article.id))
        db.commit()
    return {"article": _view(db, article, caller.user)}


@router.delete("/{slug}/favorite")
def unfavorite(slug: str, db: Db, caller: CurrentCaller) -> dict:
    article = _find(db, slug)
    mark = db.get(Favorite, (caller.user.id, article.id))
    if mark is not None:
        db.delete(mark)
        db.commit()
    return {"article": _view(db, article, caller.user)}
