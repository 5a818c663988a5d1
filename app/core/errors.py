"""Error pages: a clear message in the user's language, never a stack trace."""
from flask import render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError, generate_csrf

from ..api.v1.problems import Problem, is_api_request, problem_response
from ..services.common.errors import NotFound


def _page(status: int, title: str, message: str, headers: dict | None = None):
    if is_api_request():  # the integration API answers RFC 9457 problem details, never HTML
        return problem_response(Problem(status, title, message), headers)
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return {"error": title, "message": message}, status
    return render_template("errors/error.html", status=status, title=title, message=message), status


def register(app):
    @app.errorhandler(404)
    @app.errorhandler(NotFound)
    def not_found(_exc):
        return _page(404, gettext("找不到页面"), gettext("您要找的内容不存在，或不在您的工作范围内。"))

    @app.errorhandler(403)
    def forbidden(_exc):
        return _page(403, gettext("没有权限"), gettext("您的账号不能使用此功能。"))

    @app.errorhandler(405)
    def not_allowed(exc):
        allowed = getattr(exc, "valid_methods", None)
        return _page(405, gettext("操作无效"), gettext("请通过页面上的按钮操作。"),
                     {"Allow": ", ".join(allowed)} if allowed else None)

    @app.errorhandler(CSRFError)
    def csrf_failed(_exc):
        body, status = _page(400, gettext("页面已过期"),
                             gettext("为了安全，表单需要重新提交：请返回上一页，刷新后再提交。您填写的内容仍在上一页。"))
        if request.headers.get("HX-Request"):
            # The page's token went stale (the user signed in again in another tab): app.js
            # takes this one and sends the request again, once. Another site cannot read it:
            # a request with the HX-Request header needs a CORS preflight, which is refused.
            return body, status, {"X-CSRF-Token": generate_csrf()}
        return body, status

    @app.errorhandler(400)
    def bad_request(_exc):
        return _page(400, gettext("请求无效"), gettext("提交的内容无法识别，请返回重试。"))

    @app.errorhandler(413)
    def too_large(_exc):
        return _page(413, gettext("文件太大"), gettext("上传的文件超过大小限制。"))

    @app.errorhandler(415)
    def unsupported(_exc):
        return _page(415, gettext("请求无效"), gettext("请通过页面上的表单提交。"))

    @app.errorhandler(429)
    def too_many(_exc):
        return _page(429, gettext("操作太频繁"), gettext("请稍后再试。"))

    @app.errorhandler(Problem)
    def api_problem(exc):
        return problem_response(exc)

    @app.errorhandler(500)
    def server_error(_exc):
        return _page(500, gettext("系统出错"), gettext("抱歉，系统出现问题，已记录。请稍后再试。"))
