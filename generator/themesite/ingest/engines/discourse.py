"""Discourse topic pages, as Discourse serves them to browsers without JavaScript (and to
crawlers and `wget`): the "crawler view".

    div#topic-title > h1                      the topic's title
      div.topic-category, div.topic-tags      category and tag links
    div[itemtype=…/DiscussionForumPosting]
      div#post_1.topic-body.crawler-post      the opening post: the article
        div.crawler-post-meta
          span.creator[itemprop=author] > … span[itemprop=name]   the author's username
          span.crawler-post-infos > time.post-time[datetime]       the date; span[itemprop=position]
        div.post[itemprop=text]               the post's paragraphs
        div[itemprop=interactionStatistic] > span.post-likes      "3 Likes"
      div#post_2.topic-body.crawler-post[itemprop=comment]        every reply, in order

Discourse shows posts flat, in time order. A post that quotes another one
(`aside.quote[data-post=N]`, which the page renders as a quote box) is its reply: the
quote is not its author's words and is not shown as text.
"""

from __future__ import annotations

from lxml import etree

from themesite.ingest.engines import FoundComment, Section, classes, engine, first, having, text_of


@engine
class Discourse:
    name = "discourse"

    def find(self, root: etree._Element) -> Section | None:
        posts = [e for e in having(root, "crawler-post") if "topic-body" in classes(e)]
        if not posts:
            return None
        opening, replies = posts[0], posts[1:]
        area = posts[0].getparent()
        section = Section(self.name, area, [_post(post) for post in replies], article=[opening])
        meta = first(opening, "crawler-post-meta")
        if meta is not None:
            section.article_meta.append((meta, "opening post's author and date"))
        section.byline = _author(opening)
        stamp = _timestamp(opening)
        section.published = stamp[:10] if stamp else None
        for element in root.iter(etree.Element):
            if classes(element) & {"topic-category", "topic-tags"}:
                section.chrome.append((element, "category and tags"))
            elif classes(element) & {"post-likes"}:
                section.chrome.append((element, "likes"))
        return section


def _post(post: etree._Element) -> FoundComment:
    body = [e for e in post.iter(etree.Element) if e.get("itemprop") == "text"]
    quoted = next((q.get("data-post") for q in post.iter("aside") if "quote" in classes(q)), None)
    return FoundComment(
        element=post,
        body=body,
        author=_author(post),
        timestamp=_timestamp(post),
        source_id=post.get("id"),
        reply_to_source_id=f"post_{quoted}" if quoted and quoted.isdigit() else None,
    )


def _author(post: etree._Element) -> str | None:
    creator = next((e for e in post.iter(etree.Element) if e.get("itemprop") == "author"), None)
    if creator is None:
        return None
    name = next((e for e in creator.iter(etree.Element) if e.get("itemprop") == "name"), None)
    return text_of(name if name is not None else creator)


def _timestamp(post: etree._Element) -> str | None:
    for time in post.iter("time"):
        if time.get("datetime"):
            return time.get("datetime")
    return None
