using System.Globalization;

namespace Controller.Metrics;

/// <summary>
/// Label values of <c>ofcontroller_http_requests_total</c>, from a closed set: a client chooses its request's method
/// token, so any method outside the standard ones counts as <c>other</c> (else every invented verb would be a new
/// series forever); status codes are 100..599, their strings made once.
/// </summary>
internal static class HttpLabels
{
    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
    private static readonly string[] Codes = [.. Enumerable.Range(0, 600).Select(c => c.ToString(CultureInfo.InvariantCulture))];

    public static string Method(string method)
    {
        foreach (var m in Methods)
        {
            if (string.Equals(m, method, StringComparison.Ordinal))
            {
                return m;
            }
        }

        return "other";
    }

    public static string Code(int statusCode) => statusCode is >= 100 and < 600 ? Codes[statusCode] : "other";
}
