using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Integration.Tests.Harness;

/// <summary>
/// A small JSON client for the controller's REST API, over Kestrel's unix socket (the controller lives in a network
/// namespace of its own; a socket file is reachable from any namespace) or over TCP. Paths are relative to <c>/api/v1/</c>;
/// <see cref="MetricAsync"/> reads <c>/metrics</c>.
/// </summary>
internal sealed class RestClient : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>Over Kestrel's unix socket <paramref name="unixSocketPath"/>.</summary>
    public RestClient(string unixSocketPath)
        : this(UnixSocketHandler(unixSocketPath), new Uri("http://controller/"))
    {
    }

    /// <summary>Over TCP, e.g. <c>http://127.0.0.1:32768/</c> (a port Docker published).</summary>
    public RestClient(Uri server)
        : this(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30) }, server)
    {
    }

    private RestClient(HttpMessageHandler handler, Uri server)
    {
        _http = new HttpClient(handler) { BaseAddress = new Uri(server, "/api/v1/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    private static SocketsHttpHandler UnixSocketHandler(string unixSocketPath) => new()
    {
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(unixSocketPath), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
        PooledConnectionLifetime = TimeSpan.FromSeconds(30),
    };

    public async Task<JsonNode> PostAsync(string path, object body)
    {
        using var response = await _http.PostAsJsonAsync(path, body).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        return response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK
            ? JsonNode.Parse(text)!
            : throw new InvalidOperationException($"POST {path} {System.Text.Json.JsonSerializer.Serialize(body)} answered {(int)response.StatusCode}: {text}");
    }

    public async Task<JsonNode> PatchAsync(string path, object body)
    {
        using var content = JsonContent.Create(body);
        using var response = await _http.PatchAsync(new Uri(path, UriKind.Relative), content).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        return response.IsSuccessStatusCode
            ? JsonNode.Parse(text)!
            : throw new InvalidOperationException($"PATCH {path} answered {(int)response.StatusCode}: {text}");
    }

    public async Task<JsonNode> GetAsync(string path)
        => await TryGetAsync(path).ConfigureAwait(false) ?? throw new InvalidOperationException($"GET {path} answered 404");

    /// <summary>GET; null on 404, an exception on any other error.</summary>
    public async Task<JsonNode?> TryGetAsync(string path)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative)).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        return response.IsSuccessStatusCode
            ? JsonNode.Parse(text)!
            : throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {text}");
    }

    /// <summary>Any request, whatever it answers: status, body (null when empty or not JSON) and whether it says <c>X-Store-Stale: true</c>.</summary>
    public async Task<RestAnswer> SendAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await _http.SendAsync(request).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        JsonNode? json = null;
        try
        {
            json = text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
        }

        var stale = response.Headers.TryGetValues("X-Store-Stale", out var values) && values.Contains("true", StringComparer.Ordinal);
        return new RestAnswer(response.StatusCode, json, stale, text);
    }

    public async Task DeleteAsync(string path)
    {
        using var response = await _http.DeleteAsync(new Uri(path, UriKind.Relative)).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"DELETE {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}");
        }
    }

    /// <summary>True when <c>/healthz</c> answers 2xx (false while the socket is not there yet).</summary>
    public async Task<bool> IsHealthyAsync()
    {
        try
        {
            using var response = await _http.GetAsync(new Uri("/healthz", UriKind.Relative)).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>
    /// Sum of every series of Prometheus metric <paramref name="name"/> at <c>/metrics</c> whose labels contain all of
    /// <paramref name="labels"/> (e.g. <c>result="ok"</c>); 0 when absent.
    /// </summary>
    public async Task<double> MetricAsync(string name, params string[] labels)
    {
        var text = await MetricsTextAsync().ConfigureAwait(false);
        double sum = 0;
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(name, StringComparison.Ordinal) || line.Length == name.Length || line[name.Length] is not (' ' or '{'))
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            var series = line[..space];
            if (labels.All(l => series.Contains(l, StringComparison.Ordinal)))
            {
                sum += double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }

    /// <summary>The exposition at <c>/metrics</c>, as a scraper gets it.</summary>
    public Task<string> MetricsTextAsync() => _http.GetStringAsync(new Uri("/metrics", UriKind.Relative));

    public void Dispose() => _http.Dispose();
}
