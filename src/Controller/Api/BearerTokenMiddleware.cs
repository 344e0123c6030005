using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Controller.Api;

/// <summary>
/// When <see cref="RestOptions.Token"/> is set, writes (anything but GET/HEAD/OPTIONS) need
/// <c>Authorization: Bearer &lt;token&gt;</c>; otherwise 401 problem details with <c>WWW-Authenticate: Bearer</c>.
/// Reads stay open so monitoring needs no secret.
/// </summary>
internal sealed class BearerTokenMiddleware(RequestDelegate next, IOptions<RestOptions> options, IProblemDetailsService problems)
{
    private readonly byte[]? _token = string.IsNullOrEmpty(options.Value.Token) ? null : Encoding.UTF8.GetBytes(options.Value.Token);

    public async Task InvokeAsync(HttpContext context)
    {
        var method = context.Request.Method;
        if (_token is null || HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        string header = context.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            await Reject(context, "Bearer realm=\"ofcontroller\"", "This write needs 'Authorization: Bearer <token>'.").ConfigureAwait(false);
            return;
        }

        var given = Encoding.UTF8.GetBytes(header[scheme.Length..].Trim());
        if (!CryptographicOperations.FixedTimeEquals(given, _token))
        {
            await Reject(context, "Bearer realm=\"ofcontroller\", error=\"invalid_token\"", "The bearer token is not the configured one.").ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    private async Task Reject(HttpContext context, string challenge, string detail)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = challenge;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Authentication required.",
                Detail = detail,
            },
        }).ConfigureAwait(false);
    }
}
