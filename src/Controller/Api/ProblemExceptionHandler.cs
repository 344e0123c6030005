using System.Text.Json;
using Controller.Store;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Controller.Api;

/// <summary>
/// Turns the store's exceptions and the framework's bad-request failures into RFC 7807 problem details:
/// validation and unknown references 400 (with field-level <c>errors</c>), unknown id 404, conflicts 409,
/// store unavailable (etcd without quorum) 503.
/// Bad JSON and wrong JSON types reach here because <c>RouteHandlerOptions.ThrowOnBadRequest</c> is on;
/// without it the framework answers them with an empty 400.
/// </summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails? pd = exception switch
        {
            StoreValidationException v => new HttpValidationProblemDetails(v.Errors.ToDictionary(e => e.Key, e => e.Value))
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "One or more fields are invalid.",
                Detail = v.Message,
            },
            EntityNotFoundException nf => new ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Title = $"Unknown {nf.Entity}.",
                Detail = nf.Message,
            },
            StoreConflictException c => Conflict(c),
            StoreUnavailableException u => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The store cannot take writes now.",
                Detail = u.Message,
                Extensions = { ["ambiguous"] = u.Ambiguous },
            },
            BadHttpRequestException b => BadRequest(b, httpContext.Request),
            _ => null,
        };
        if (pd is null)
        {
            return false;
        }

        httpContext.Response.StatusCode = pd.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = pd,
            Exception = exception,
        }).ConfigureAwait(false);
    }

    private static ProblemDetails Conflict(StoreConflictException c)
    {
        var pd = new ProblemDetails
        {
            Status = StatusCodes.Status409Conflict,
            Title = c switch
            {
                DeleteRefusedException => "Delete refused: the resource still has dependents.",
                VlanPoolExhaustedException => "Local VLAN pool exhausted.",
                SegmentPoolExhaustedException => "Segment id pool exhausted.",
                _ => "Conflict with an existing resource.",
            },
            Detail = c.Message,
        };
        if (c.Field is not null)
        {
            pd.Extensions["field"] = c.Field;
        }

        return pd;
    }

    /// <summary>
    /// Gives the framework's own problems (status-code pages: unknown route, 405, 415) a detail saying what to do,
    /// so no problem reaches a client without a message.
    /// </summary>
    public static void FillInDetail(ProblemDetailsContext context)
    {
        var pd = context.ProblemDetails;
        if (!string.IsNullOrEmpty(pd.Detail))
        {
            return;
        }

        var request = context.HttpContext.Request;
        pd.Detail = pd.Status switch
        {
            StatusCodes.Status404NotFound => $"No route matches {request.Method} {request.Path}; the API lives under /api/v1 (see /openapi/v1.json).",
            StatusCodes.Status405MethodNotAllowed => $"{request.Method} is not allowed on {request.Path}.",
            StatusCodes.Status415UnsupportedMediaType => "Send the request body as JSON with 'Content-Type: application/json'.",
            _ => pd.Title ?? "The request failed.",
        };
    }

    private static ProblemDetails BadRequest(BadHttpRequestException b, HttpRequest request)
    {
        if (b.InnerException is null && b.StatusCode == StatusCodes.Status400BadRequest && (request.ContentLength ?? 0) == 0)
        {
            return new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request body is missing.",
                Detail = "This route needs a JSON object as the request body (Content-Type: application/json).",
            };
        }

        if (b.InnerException is JsonException json)
        {
            var field = json.Path is null or "$" ? "body" : json.Path.StartsWith("$.", StringComparison.Ordinal) ? json.Path[2..] : json.Path;
            var message = json.Message;
            var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
            if (cut > 0)
            {
                message = message[..cut];
            }

            return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request body is not valid JSON for this route.",
                Detail = $"Malformed JSON or a value of the wrong type at '{json.Path ?? "$"}' (line {json.LineNumber + 1}, byte {json.BytePositionInLine + 1}): {message}",
            };
        }

        return new ProblemDetails
        {
            Status = b.StatusCode,
            Title = b.StatusCode == StatusCodes.Status415UnsupportedMediaType ? "Unsupported media type: send application/json." : "Bad request.",
            Detail = b.Message,
        };
    }
}
