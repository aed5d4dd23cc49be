"""Kutsu: event sign-ups and workshop nominations."""

from pathlib import Path

from flask import Flask, request

from app.config import ROOT, Defaults


class Kutsu(Flask):
    """Flask, but a failed request is logged by its route, not its address: addresses
    carry personal links (/manage/<token>), and logs are kept and read by others."""

    def log_exception(self, exc_info) -> None:
        route = request.url_rule.rule if request.url_rule else "(no route)"
        self.logger.error("Exception on %s [%s]", route, request.method, exc_info=exc_info)

    def compile_templates(self) -> None:
        """Compile every template now, as a server process starts (deploy/gunicorn.conf.py),
        rather than on the first request that shows it: when a popular event opens, the
        first people in each process waited a third of a second for its form's."""
        for name in self.jinja_env.list_templates():
            self.jinja_env.get_template(name)


def create_app(test_config: dict | None = None) -> Flask:
    app = Kutsu(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
    )
    app.config.from_object(Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)
    Path(app.instance_path).mkdir(exist_ok=True)
    configure_logging(app)
    configure_proxy_and_cookies(app)
    configure_clock(app)
    configure_routing(app)

    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_error_pages(app)
    register_security_headers(app)
    register_commands(app)
    return app


def configure_logging(app: Flask) -> None:
    """No token in any log line (app.redaction)."""
    from app import redaction

    redaction.install(app)


def configure_proxy_and_cookies(app: Flask) -> None:
    """Behind a reverse proxy, trust its X-Forwarded-* headers (the client's address is then
    the one rate limits count); over HTTPS, cookies only ever travel encrypted."""
    proxies = app.config["PROXY_FIX_X_FOR"]
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    if app.config["PUBLIC_BASE_URL"].startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True


def configure_clock(app: Flask) -> None:
    """Tests that run the app in processes of their own move its clock through a file."""
    if app.config["CLOCK_OFFSET_FILE"]:
        from app import clock

        clock.follow_offset_file(app.config["CLOCK_OFFSET_FILE"])


def configure_routing(app: Flask) -> None:
    """Every `<int:…>` in a route refuses ids the database cannot hold (app.bounds)."""
    from app.bounds import IdConverter

    app.url_map.converters["int"] = IdConverter


def register_extensions(app: Flask) -> None:
    from flask_babel import gettext

    from app import database, pagecache
    from app.extensions import babel, csrf, db, limiter, login_manager, mail, migrate
    from app.i18n import N_, select_locale

    database.configure(app)
    db.init_app(app)
    database.check_idle_connections(app)
    migrate.init_app(app, db, directory=str(ROOT / "app" / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    mail.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    # Flask-Login flashes it through localize_callback, in the page's language.
    login_manager.login_message = N_("Sign in to see this page.")
    login_manager.localize_callback = gettext
    from app.auth import sessions

    login_manager.user_loader(sessions.load_organiser)
    app.teardown_request(sessions.touch_after_page)
    pagecache.init_app(app)


def register_blueprints(app: Flask) -> None:
    from app.accounts.admin_views import bp as admin_accounts_bp
    from app.accounts.join_views import bp as join_bp
    from app.accounts.profile import bp as profile_bp
    from app.accounts.two_step import bp as two_step_bp
    from app.accounts.two_step_admin import bp as two_step_admin_bp
    from app.accounts.views import bp as accounts_bp
    from app.admin.views import bp as admin_bp
    from app.approvals.views import bp as approvals_bp
    from app.attendance.views import bp as attendance_bp
    from app.attendees.changes import bp as attendee_changes_bp
    from app.attendees.people import bp as people_bp
    from app.attendees.views import bp as attendees_bp
    from app.auth.views import bp as auth_bp
    from app.calendar.views import bp as calendar_bp
    from app.events.views import bp as events_bp
    from app.feedback.form_views import bp as feedback_form_bp
    from app.feedback.views import bp as feedback_bp
    from app.followup.views import bp as followup_bp
    from app.followup.views import public as materials_bp
    from app.home.views import bp as home_bp
    from app.invitations.views import bp as invitations_bp
    from app.lists.leave_views import bp as list_leave_bp
    from app.lists.views import bp as lists_bp
    from app.mail.views import bp as mail_bp
    from app.messages.views import bp as messages_bp
    from app.nominations.views import bp as nominations_bp
    from app.operations.views import bp as operations_bp
    from app.organiser.views import bp as organiser_bp
    from app.pages.views import bp as pages_bp
    from app.reports.views import bp as reports_bp
    from app.series.signup_views import bp as series_signup_bp
    from app.series.views import bp as organiser_series_bp
    from app.signup.group_views import bp as groups_bp
    from app.signup.mode_views import bp as signup_mode_bp
    from app.signup.views import bp as signup_bp
    from app.undelivered.views import bp as undelivered_bp
    from app.waiting_list.offer_views import bp as offer_bp
    from app.waiting_list.views import bp as waiting_list_bp
    from app.workshops.views import bp as workshops_bp

    app.register_blueprint(events_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(signup_bp)
    app.register_blueprint(signup_mode_bp)
    app.register_blueprint(groups_bp)
    app.register_blueprint(series_signup_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(home_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(organiser_bp)
    app.register_blueprint(attendees_bp)
    app.register_blueprint(attendee_changes_bp)
    app.register_blueprint(approvals_bp)
    app.register_blueprint(attendance_bp)
    app.register_blueprint(people_bp)
    app.register_blueprint(waiting_list_bp)
    app.register_blueprint(offer_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(profile_bp)
    app.register_blueprint(two_step_bp)
    app.register_blueprint(two_step_admin_bp)
    app.register_blueprint(admin_accounts_bp)
    app.register_blueprint(join_bp)
    app.register_blueprint(messages_bp)
    app.register_blueprint(mail_bp)
    app.register_blueprint(invitations_bp)
    app.register_blueprint(nominations_bp)
    app.register_blueprint(workshops_bp)
    app.register_blueprint(lists_bp)
    app.register_blueprint(list_leave_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(undelivered_bp)
    app.register_blueprint(operations_bp)
    app.register_blueprint(organiser_series_bp)
    app.register_blueprint(feedback_bp)
    app.register_blueprint(feedback_form_bp)
    app.register_blueprint(followup_bp)
    app.register_blueprint(materials_bp)


def register_template_helpers(app: Flask) -> None:
    from app import templating

    templating.register(app)


def register_error_pages(app: Flask) -> None:
    from app import errors

    errors.register(app)


def register_security_headers(app: Flask) -> None:
    from app import security

    security.register(app)


def register_commands(app: Flask) -> None:
    from app import cli

    cli.register(app)
