"""Demo news posts and comments, written for this site. Safe to run twice."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import utcnow
from app.news.models import Comment, Post, Status
from app.news.posts import PostData, create_post, normalise_tag

DEMO_POSTS = [
    {
        "slug": "mascot-naming-contest-opens",
        "days_ago": 1,
        "tags": ["ประกวดตั้งชื่อ", "มาสคอต", "mascot"],
        "title_th": "เปิดรับชื่อมาสคอตรัฐบาลอิเล็กทรอนิกส์ ร่วมตั้งชื่อได้แล้ววันนี้",
        "title_en": "The e-Government mascot naming contest is open",
        "body_th": (
            "มาสคอตตัวใหม่ของเรามีหน้าที่ช่วยแนะนำบริการออนไลน์ของภาครัฐให้ประชาชนรู้จัก "
            "แต่ยังไม่มีชื่อ เราจึงขอเชิญทุกท่านร่วมเสนอชื่อที่จำง่ายและมีความหมายดี\n\n"
            "## วิธีร่วมสนุก\n\n"
            "1. สมัครสมาชิกและยืนยันอีเมล\n"
            "2. เสนอชื่อพร้อมความหมายสั้น ๆ\n"
            "3. ติดตามผลการคัดเลือกชื่อที่ผ่านเข้ารอบ แล้วมาร่วมโหวต\n\n"
            "ผู้ที่โหวตให้ชื่อที่ชนะมีสิทธิ์ลุ้นรับของที่ระลึก"
        ),
        "body_en": (
            "Our new mascot helps people discover the government's online services, but it "
            "does not have a name yet. We invite everyone to suggest a name that is easy to "
            "remember and carries a good meaning.\n\n"
            "## How to take part\n\n"
            "1. Register and confirm your e-mail address\n"
            "2. Propose a name with a short meaning\n"
            "3. Watch for the finalists, then come back and vote\n\n"
            "Voters for the winning name may win a souvenir in a public prize draw."
        ),
    },
    {
        "slug": "online-government-services-through-social-media",
        "days_ago": 3,
        "tags": ["รัฐบาลอิเล็กทรอนิกส์", "e-government", "social media"],
        "title_th": "ชวนประชาชนใช้บริการภาครัฐออนไลน์ผ่านเครือข่ายสังคม",
        "title_en": "Using social networks to bring people to online public services",
        "body_th": (
            "หน่วยงานของเราใช้เครือข่ายสังคมเป็นอีกช่องทางหนึ่งในการเล่าเรื่องบริการอิเล็กทรอนิกส์ "
            "เช่น การยื่นคำขอและติดตามสถานะเรื่องได้ด้วยตนเองโดยไม่ต้องเดินทาง\n\n"
            "เราอยากรู้ว่าบริการใดที่ท่านใช้บ่อย และอยากให้ปรับปรุงเรื่องใด "
            "ร่วมแสดงความคิดเห็นใต้ข่าวนี้ได้เลย"
        ),
        "body_en": (
            "We use social networks as one more way to tell people about electronic "
            "services, such as filing a request and following its status yourself without "
            "travelling to an office.\n\n"
            "Which services do you use most, and what should we improve? Tell us in the "
            "comments below."
        ),
    },
    {
        "slug": "how-we-keep-your-data-safe",
        "days_ago": 6,
        "tags": ["ความเป็นส่วนตัว", "e-government"],
        "title_th": "เราดูแลข้อมูลส่วนบุคคลของผู้ร่วมกิจกรรมอย่างไร",
        "title_en": "How we look after the personal data of participants",
        "body_th": (
            "เราเก็บเฉพาะข้อมูลที่จำเป็นต่อการจัดกิจกรรม ได้แก่ ชื่อที่แสดง อีเมล "
            "และรายการที่ท่านเสนอหรือโหวต **เราไม่ขอเลขประจำตัวประชาชน**\n\n"
            "ท่านดาวน์โหลดข้อมูลของตนเองหรือลบบัญชีได้ทุกเมื่อจากหน้าบัญชีของฉัน"
        ),
        "body_en": (
            "We keep only what the contest needs: your display name, e-mail address and the "
            "names you propose or vote for. **We never ask for your national ID number.**\n\n"
            "You can download your data or delete your account at any time from your "
            "account page."
        ),
    },
]

DEMO_COMMENTS = [
    (
        "mascot-naming-contest-opens",
        "somsri@example.com",
        "ดีใจที่มีกิจกรรมแบบนี้ค่ะ จะชวนเพื่อน ๆ มาเสนอชื่อด้วย",
    ),
    (
        "online-government-services-through-social-media",
        "somchai@example.com",
        "I renewed a document online last month and it saved me half a day. More of this, please.",
    ),
]


def seed_news(phase: str) -> str:
    """Add the demo posts and comments that are missing."""
    from app.accounts.services import find_user_by_email

    now = utcnow()
    added_posts = 0
    for spec in DEMO_POSTS:
        if db.session.scalar(sa.select(Post.id).where(Post.slug == spec["slug"])) is not None:
            continue
        data = PostData(
            slug=spec["slug"],
            title_th=spec["title_th"],
            title_en=spec["title_en"],
            body_th=spec["body_th"],
            body_en=spec["body_en"],
            tags=[normalise_tag(t) for t in spec["tags"]],
            published_at=now - timedelta(days=spec["days_ago"]),
            image_path="/static/img/mascot.svg" if spec["days_ago"] == 1 else None,
            image_alt="มาสคอตรัฐบาลอิเล็กทรอนิกส์ที่ยังไม่มีชื่อ" if spec["days_ago"] == 1 else "",
        )
        create_post(data)
        added_posts += 1
    db.session.flush()
    added_comments = 0
    for slug, email, body in DEMO_COMMENTS:
        post = db.session.scalar(sa.select(Post).where(Post.slug == slug))
        user = find_user_by_email(email)
        if post is None or user is None:
            continue
        exists = db.session.scalar(
            sa.select(Comment.id).where(Comment.post_id == post.id, Comment.author_id == user.id)
        )
        if exists is not None:
            continue
        db.session.add(
            Comment(post_id=post.id, author_id=user.id, body=body, status=Status.APPROVED.value)
        )
        post.comment_count += 1
        added_comments += 1
    db.session.flush()
    return f"{added_posts} new demo posts, {added_comments} new demo comments"
