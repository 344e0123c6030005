using System.Net;
using System.Text.Json;

namespace Controller.Tests.Api;

/// <summary>Asserts that a response is RFC 7807 problem details with the given status and a clear message.</summary>
internal static class Problem
{
    public static async Task<JsonElement> AssertAsync(HttpResponseMessage response, HttpStatusCode status, string? field = null, string? detailContains = null)
    {
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        Assert.That(response.StatusCode, Is.EqualTo(status), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), text);
        var body = JsonDocument.Parse(text).RootElement.Clone();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(body.GetProperty("status").GetInt32(), Is.EqualTo((int)status), text);
            Assert.That(body.GetProperty("title").GetString(), Is.Not.Empty, text);
            Assert.That(body.GetProperty("detail").GetString(), Is.Not.Empty, text);
            if (field is not null)
            {
                Assert.That(body.TryGetProperty("errors", out var errors) || body.TryGetProperty("field", out _), Is.True, text);
                if (body.TryGetProperty("errors", out errors))
                {
                    Assert.That(errors.TryGetProperty(field, out var messages), Is.True, $"errors should name '{field}': {text}");
                    Assert.That(messages.EnumerateArray().Select(m => m.GetString()), Is.Not.Empty.And.All.Not.Empty, text);
                }
                else
                {
                    Assert.That(body.GetProperty("field").GetString(), Is.EqualTo(field), text);
                }
            }

            if (detailContains is not null)
            {
                Assert.That(body.GetProperty("detail").GetString(), Does.Contain(detailContains), text);
            }
        }

        return body;
    }
}
