using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cli;

/// <summary>
/// Where the controller is and the token for writes: <c>--url/--token</c>, else <c>OFC_URL/OFC_TOKEN</c>,
/// else <c>{"url": ..., "token": ...}</c> in the config file, else http://127.0.0.1:8080 and no token.
/// Each of the two is resolved on its own.
/// </summary>
public sealed record ClientSettings(Uri Url, string? Token)
{
    public static readonly Uri DefaultUrl = new("http://127.0.0.1:8080");

    public static ClientSettings Resolve(string? urlFlag, string? tokenFlag, OfcEnvironment env)
    {
        ArgumentNullException.ThrowIfNull(env);
        ConfigFile? file = null;
        if (File.Exists(env.ConfigPath))
        {
            try
            {
                var node = JsonNode.Parse(File.ReadAllText(env.ConfigPath)) as JsonObject
                    ?? throw new UsageException($"config file {env.ConfigPath} must hold a JSON object");
                file = new ConfigFile(node["url"]?.GetValue<string>(), node["token"]?.GetValue<string>());
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                throw new UsageException($"config file {env.ConfigPath} is not valid JSON: {e.Message}");
            }
        }

        var url = urlFlag ?? env.Variable("OFC_URL") ?? file?.Url;
        var token = tokenFlag ?? env.Variable("OFC_TOKEN") ?? file?.Token;
        if (url is null)
        {
            return new ClientSettings(DefaultUrl, token);
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"controller URL must be http(s)://host:port; got '{url}'");
        }

        return new ClientSettings(uri, string.IsNullOrEmpty(token) ? null : token);
    }

    private sealed record ConfigFile(string? Url, string? Token);
}
