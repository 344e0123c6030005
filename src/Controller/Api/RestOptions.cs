using System.ComponentModel.DataAnnotations;

namespace Controller.Api;

/// <summary>Configuration section <c>Rest</c>.</summary>
public sealed class RestOptions
{
    public const string SectionName = "Rest";

    /// <summary>Kestrel listen URLs, separated by ';'. Loopback unless configured otherwise; port 0 picks a free port.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Urls { get; set; } = "http://127.0.0.1:8080";

    /// <summary>When set, every write (POST/PUT/PATCH/DELETE) needs <c>Authorization: Bearer &lt;Token&gt;</c>; reads stay open.</summary>
    public string? Token { get; set; }
}
