using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cli;

/// <summary>
/// The controller's REST API as JSON nodes. Transport failures become <see cref="UnreachableException"/>,
/// error answers <see cref="RestException"/> with one line made of the problem's title, detail and field.
/// </summary>
public sealed class RestClient : IDisposable
{
    private readonly HttpClient _http;

    public RestClient(ClientSettings settings, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        _http = new HttpClient { BaseAddress = settings.Url, Timeout = timeout ?? TimeSpan.FromSeconds(15) };
        if (settings.Token is { } token)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public ClientSettings Settings { get; }

    public Task<JsonNode?> GetAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Get, path, null, ct);

    public Task<JsonNode?> PostAsync(string path, JsonObject body, CancellationToken ct) => SendAsync(HttpMethod.Post, path, body, ct);

    public Task<JsonNode?> DeleteAsync(string path, CancellationToken ct) => SendAsync(HttpMethod.Delete, path, null, ct);

    public void Dispose() => _http.Dispose();

    private async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            var why = e.InnerException is SocketException s ? s.SocketErrorCode.ToString() : e.HttpRequestError.ToString();
            throw new UnreachableException($"cannot reach the controller at {Settings.Url} ({why})", e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new UnreachableException($"the controller at {Settings.Url} did not answer within {_http.Timeout.TotalSeconds:0} s", e);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new RestException((int)response.StatusCode, ProblemLine(method, path, (int)response.StatusCode, text));
            }

            return text.Length == 0 ? null : Parse(text, path);
        }
    }

    private JsonNode? Parse(string text, string path)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            throw new UnreachableException($"{Settings.Url} answered {path} with something that is not JSON: is it the controller?");
        }
    }

    /// <summary>"409 Conflict: A network named 'web' already exists (field: name)" from RFC 7807 problem details.</summary>
    internal static string ProblemLine(HttpMethod method, string path, int status, string body)
    {
        JsonObject? problem = null;
        try
        {
            problem = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
        }

        var sb = new StringBuilder();
        sb.Append(method.Method).Append(' ').Append(path).Append(": ").Append(status);
        if (problem is null)
        {
            return sb.ToString();
        }

        if (Text(problem["title"]) is { } title)
        {
            sb.Append(' ').Append(title.TrimEnd('.'));
        }

        if (Text(problem["detail"]) is { } detail)
        {
            sb.Append(": ").Append(detail.TrimEnd('.'));
        }

        var fields = new List<string>();
        if (Text(problem["field"]) is { } field)
        {
            fields.Add(field);
        }

        if (problem["errors"] is JsonObject errors)
        {
            foreach (var (name, messages) in errors)
            {
                var list = (messages is JsonArray a ? string.Join("; ", a.Select(m => Text(m))) : Text(messages))?.TrimEnd('.');
                if (list is not null && Text(problem["detail"])?.TrimEnd('.') != list)
                {
                    sb.Append(": ").Append(list);
                }

                fields.Add(name);
            }
        }

        if (fields.Count != 0)
        {
            sb.Append(" (field: ").Append(string.Join(", ", fields.Distinct(StringComparer.Ordinal))).Append(')');
        }

        return sb.ToString();
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) && s.Length != 0 ? s : null;
}
