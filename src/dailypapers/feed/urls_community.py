"""Community URLs, included at the site root before feed.urls (namespace "community")."""

from django.urls import path, re_path

from dailypapers.feed.community.views import (
    claims,
    collections,
    comments,
    curation,
    submit,
    votes,
)
from dailypapers.lib.arxiv.ids import URL_ID_PATTERN

PAPER = rf"^papers/{URL_ID_PATTERN}"

app_name = "community"
urlpatterns = [
    re_path(rf"{PAPER}/vote/$", votes.vote, name="vote"),
    re_path(rf"{PAPER}/comments/$", comments.comment_create, name="comment_create"),
    re_path(rf"{PAPER}/curate/$", curation.curate_view, name="curate"),
    re_path(rf"{PAPER}/claims/$", claims.claim_create, name="claim_create"),
    path("claims/<id:pk>/withdraw/", claims.claim_withdraw, name="claim_withdraw"),
    path("staff/claims/", claims.claim_queue, name="claim_queue"),
    path("staff/claims/<id:pk>/decide/", claims.claim_decide, name="claim_decide"),
    path("comments/<id:pk>/edit/", comments.comment_edit, name="comment_edit"),
    path("comments/<id:pk>/delete/", comments.comment_delete, name="comment_delete"),
    path("comments/<id:pk>/flag/", comments.comment_flag, name="comment_flag"),
    path("comments/<id:pk>/hide/", comments.comment_hide, name="comment_hide"),
    path("collections/", collections.collections, name="collections"),
    path("collections/add/", collections.collection_add, name="collection_add"),
    path("collections/remove/", collections.collection_remove, name="collection_remove"),
    path("collections/<id:pk>/edit/", collections.collection_edit, name="collection_edit"),
    path("collections/<id:pk>/delete/", collections.collection_delete, name="collection_delete"),
    path("u/<id:user_id>/collections/<slug:slug>/", collections.collection, name="collection"),
    path("submit/", submit.submit, name="submit"),
]
