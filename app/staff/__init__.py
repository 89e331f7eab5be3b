"""Staff tools in the admin area: users and roles (and, later, the staff second factor).

Plain modules, no blueprint: the screens register on ``app.admin.bp`` when
``app.staff.views`` is imported (from ``app.contest``).
"""
