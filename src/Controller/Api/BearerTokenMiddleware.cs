using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Controller.Api;

/// <summary>
/// Bearer tokens with two scopes. With no token configured the API is open (the loopback quickstart).
/// Once <see cref="RestOptions.Token"/> (write scope, includes read) or <see cref="RestOptions.ReadToken"/>
/// (read scope) is set, every <c>/api</c> request and <c>/metrics</c> needs <c>Authorization: Bearer</c>:
/// reads take either token, writes only the write token. No or an unknown token is 401 with a
/// <c>WWW-Authenticate: Bearer</c> challenge; the read token on a write is 403. <c>/healthz</c> and the
/// static web page stay open. Tokens are compared as SHA-256 digests with
/// <see cref="CryptographicOperations.FixedTimeEquals"/>, always against both, so neither the length
/// nor the content of a secret shows in the response time; they are never logged.
/// </summary>
internal sealed class BearerTokenMiddleware(RequestDelegate next, IOptions<RestOptions> options, IProblemDetailsService problems)
{
    private const string Realm = "Bearer realm=\"ofcontroller\"";
    private readonly byte[]? _write = Digest(options.Value.Token);
    private readonly byte[]? _read = Digest(options.Value.ReadToken);

    private enum Scope
    {
        None,
        Read,
        Write,
    }

    public async Task InvokeAsync(HttpContext context)
    {
        if ((_write is null && _read is null) || !IsProtected(context.Request.Path))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var method = context.Request.Method;
        var needs = HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) ? Scope.Read : Scope.Write;
        string header = context.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            await Reject(context, StatusCodes.Status401Unauthorized, Realm, "Authentication required.", $"This request needs 'Authorization: Bearer <token>' with {Name(needs)} scope.").ConfigureAwait(false);
            return;
        }

        var has = ScopeOf(header[scheme.Length..].Trim());
        if (has == Scope.None)
        {
            await Reject(context, StatusCodes.Status401Unauthorized, Realm + ", error=\"invalid_token\"", "Authentication required.", "The bearer token is not one of the configured tokens.").ConfigureAwait(false);
            return;
        }

        if (has < needs)
        {
            await Reject(context, StatusCodes.Status403Forbidden, Realm + ", error=\"insufficient_scope\", scope=\"write\"", "Forbidden.", "The bearer token has read scope; this request needs the write token.").ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    private static bool IsProtected(PathString path) =>
        path.StartsWithSegments("/api", StringComparison.Ordinal) || path.StartsWithSegments("/metrics", StringComparison.Ordinal);

    private static string Name(Scope s) => s == Scope.Write ? "write" : "read";

    private static byte[]? Digest(string? token) => string.IsNullOrEmpty(token) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private Scope ScopeOf(string given)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(given));
        var isWrite = _write is not null && CryptographicOperations.FixedTimeEquals(digest, _write);
        var isRead = _read is not null && CryptographicOperations.FixedTimeEquals(digest, _read);
        return isWrite ? Scope.Write : isRead ? Scope.Read : Scope.None;
    }

    private async Task Reject(HttpContext context, int status, string challenge, string title, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.Headers.WWWAuthenticate = challenge;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = status,
                Title = title,
                Detail = detail,
            },
        }).ConfigureAwait(false);
    }
}
