using System.Net;
using System.Text.Json.Nodes;

namespace Integration.Tests.Harness;

/// <summary>What the controller answered: status, JSON body (if any), whether it marked the answer stale, and the raw text.</summary>
internal sealed record RestAnswer(HttpStatusCode Status, JsonNode? Body, bool Stale, string Text);
