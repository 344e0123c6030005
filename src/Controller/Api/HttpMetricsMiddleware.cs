using Controller.Metrics;

namespace Controller.Api;

/// <summary>Counts every answered request by method and status code.</summary>
internal sealed class HttpMetricsMiddleware(RequestDelegate next, ControllerMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            metrics.HttpRequest(context.Request.Method, context.Response.StatusCode);
        }
    }
}
