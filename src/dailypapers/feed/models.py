"""The community around papers: submissions, upvotes, comments, collections, curation and
author claims.

Uniqueness lives in the database: one vote per user and paper, one submission per paper,
one flag per user and comment, one entry per paper in a collection, one live claim per
member and paper, one approved claim per author of a paper.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from dailypapers.papers.models import Author, Paper


class Submission(models.Model):
    """A paper put on the daily feed by a member ("submitted by")."""

    paper = models.OneToOneField(Paper, on_delete=models.CASCADE, related_name="submission")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="submissions"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    feed_day = models.DateField(db_index=True)  # the day whose feed it joined

    class Meta:
        indexes = [
            models.Index(fields=["submitted_by", "submitted_at"], name="submission_user_idx")
        ]

    def __str__(self) -> str:
        return f"{self.paper_id} on {self.feed_day}"


class Vote(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes"
    )
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="votes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "paper"], name="vote_one_per_user")]
        indexes = [models.Index(fields=["paper", "created_at"], name="vote_paper_idx")]

    def __str__(self) -> str:
        return f"vote by {self.user_id} for {self.paper_id}"


class Comment(models.Model):
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="discussion")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    # Replies go one level deep: a reply's parent is always a top-level comment.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField()  # the Markdown the author wrote
    body_html = models.TextField()  # rendered and sanitised once, at save
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    is_deleted = models.BooleanField(default=False)  # by its author; replies stay readable
    is_hidden = models.BooleanField(default=False)  # by a curator
    flag_count = models.PositiveIntegerField(default=0)
    # Not a column: threads_for() sets it on each comment it returns, for the templates.
    shows_body: bool

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["paper", "created_at"], name="comment_paper_idx")]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.paper_id}"

    @property
    def is_visible(self) -> bool:
        return not (self.is_deleted or self.is_hidden)


class CommentFlag(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="commentflag_one_per_user")
        ]

    def __str__(self) -> str:
        return f"flag by {self.user_id} on comment {self.comment_id}"


class Collection(models.Model):
    """A named reading list; public ones are visible to everyone."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collections"
    )
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)
    description = models.TextField(blank=True)
    is_public = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    papers: models.ManyToManyField[Paper, CollectionItem] = models.ManyToManyField(
        Paper, through="CollectionItem", related_name="collections"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "slug"], name="collection_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.name


class CollectionItem(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-added_at"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "paper"], name="collectionitem_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.paper_id} in {self.collection_id}"


class Curation(models.Model):
    """A curator's decision about a paper on one day's feed."""

    FEATURED = "featured"
    HIDDEN = "hidden"
    STATES = [(FEATURED, "Featured"), (HIDDEN, "Hidden")]

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="curations")
    day = models.DateField()
    state = models.CharField(max_length=10, choices=STATES)
    curator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["paper", "day"], name="curation_unique")]
        indexes = [models.Index(fields=["day", "state"], name="curation_day_idx")]

    def __str__(self) -> str:
        return f"{self.paper_id} {self.state} on {self.day}"


class Topic(models.Model):
    """A saved search people can follow: a query in the search syntax, and categories.

    A paper belongs to a topic when it matches ``query`` (if any) and is listed in at least
    one of ``categories`` (if any); a topic has one or the other, or both.
    """

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    query = models.CharField(max_length=500, blank=True)  # lib/query.py syntax
    categories = models.JSONField(default=list, blank=True)  # canonical names, e.g. ["cs.LG"]
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="topics_created",
    )
    created_at = models.DateTimeField(default=timezone.now)
    is_featured = models.BooleanField(default=False)  # set by curators and staff
    # Not a column: set for a viewer by the pages and API answers that show a follow
    # button; None for a signed-out caller of the API.
    following: bool | None

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TopicFollow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_follows"
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="topicfollow_one_per_user")
        ]
        indexes = [models.Index(fields=["topic", "created_at"], name="topicfollow_topic_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.topic_id}"


class PersonalFeedToken(models.Model):
    """What makes the secret in the address of a member's personal "For you" feed.

    The address's token is an HMAC of ``nonce`` under SECRET_KEY, so the page can show it
    again, while the database keeps only the nonce and the token's SHA-256 (a copy of the
    database alone opens nobody's feed). Regenerating replaces the nonce, so the old address
    stops working at once.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="personal_feed_token"
    )
    nonce = models.CharField(max_length=64)
    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"feed token of {self.user_id}"


class AuthorClaimQuerySet(models.QuerySet["AuthorClaim"]):
    def live(self) -> AuthorClaimQuerySet:
        return self.filter(status__in=AuthorClaim.LIVE)

    def approved(self) -> AuthorClaimQuerySet:
        return self.filter(status=AuthorClaim.APPROVED)

    def pending(self) -> AuthorClaimQuerySet:
        return self.filter(status=AuthorClaim.PENDING)


class AuthorClaim(models.Model):
    """A member saying "I am this author of this paper"; curators approve or reject it.

    The author is a slot of the paper: ``position`` in ``Paper.author_names`` (the Hub's
    author order) with the name as it read then. A claim is pending, then approved or
    rejected by a curator, or withdrawn by its member; pending and approved ones are "live".
    A member has at most one live claim per paper (so never two of one slot), and a slot at
    most one approved claim: both are partial unique indexes.
    """

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    STATES = [
        (PENDING, "Pending"),
        (APPROVED, "Approved"),
        (REJECTED, "Rejected"),
        (WITHDRAWN, "Withdrawn"),
    ]
    LIVE = (PENDING, APPROVED)

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="author_claims")
    position = models.PositiveSmallIntegerField(help_text="Index in the paper's author_names")
    name = models.CharField(max_length=300, help_text="The author's name as the paper had it")
    # The author page of that name, when the paper has author rows.
    author = models.ForeignKey(
        Author, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="author_claims"
    )
    status = models.CharField(max_length=10, choices=STATES, default=PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = AuthorClaimQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["paper", "member"],
                condition=Q(status__in=("pending", "approved")),
                name="authorclaim_one_live_per_member",
                violation_error_message="You already claim an author of this paper.",
            ),
            models.UniqueConstraint(
                fields=["paper", "position"],
                condition=Q(status="approved"),
                name="authorclaim_one_approved_per_slot",
                violation_error_message="This author is already claimed.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="authorclaim_queue_idx"),
            models.Index(fields=["member", "status"], name="authorclaim_member_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} claims {self.name} of {self.paper_id} ({self.status})"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE
