using System.ComponentModel.DataAnnotations;

namespace Controller.Api;

/// <summary>Configuration section <c>Rest</c>.</summary>
public sealed class RestOptions
{
    public const string SectionName = "Rest";

    /// <summary>Kestrel listen URLs, separated by ';'. Loopback unless configured otherwise; port 0 picks a free port.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Urls { get; set; } = "http://127.0.0.1:8080";

    /// <summary>
    /// The write-scope token (it can read too). When it or <see cref="ReadToken"/> is set, every /api request
    /// and /metrics needs <c>Authorization: Bearer</c>; writes (POST/PUT/PATCH/DELETE) only this one.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>A read-scope token (monitoring, the web view): GETs only; a write with it is 403.</summary>
    public string? ReadToken { get; set; }
}
