using System.CommandLine;
using System.Text.Json.Nodes;

namespace Cli;

/// <summary>
/// <c>ofc</c>: the controller's REST API for people and scripts. Every command's action goes through
/// <see cref="Guard"/>, which turns failures into one line on stderr and the exit codes of <see cref="ExitCodes"/>.
/// </summary>
public static class Ofc
{
    public static async Task<int> RunAsync(string[] args, OfcEnvironment env, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(env);
        var root = Build(env);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count != 0)
        {
            var message = string.Join(' ', parsed.Errors[0].Message.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            await env.Error.WriteLineAsync($"ofc: {message} (see ofc --help)").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = env.Out, Error = env.Error, EnableDefaultExceptionHandler = false }, ct)
            .ConfigureAwait(false);
    }

    internal static RootCommand Build(OfcEnvironment env)
    {
        var g = new GlobalOptions();
        var root = new RootCommand("ofc: command line for the OpenFlow overlay controller's REST API");
        root.Options.Add(g.Url);
        root.Options.Add(g.Token);
        root.Options.Add(g.Json);

        root.Subcommands.Add(Resources.Tenants(env, g));
        root.Subcommands.Add(Resources.Networks(env, g));
        root.Subcommands.Add(Resources.Hosts(env, g));
        root.Subcommands.Add(Resources.Ports(env, g));
        root.Subcommands.Add(Views.Switches(env, g));
        root.Subcommands.Add(Views.Flows(env, g));
        root.Subcommands.Add(Views.Status(env, g));
        root.Subcommands.Add(TraceCommand.Trace(env, g));
        root.Subcommands.Add(AttachCommands.Attach(env, g));
        root.Subcommands.Add(AttachCommands.Detach(env, g));
        return root;
    }

    /// <summary>Sets <paramref name="command"/>'s action: settings, client and output resolved, exceptions mapped to exit codes.</summary>
    internal static void Guard(this Command command, OfcEnvironment env, GlobalOptions g, Func<Context, Task<int>> action)
    {
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                var settings = ClientSettings.Resolve(parse.GetValue(g.Url), parse.GetValue(g.Token), env);
                using var client = new RestClient(settings);
                return await action(new Context(parse, client, new Output(env, parse.GetValue(g.Json)), env, ct)).ConfigureAwait(false);
            }
            catch (UsageException e)
            {
                return await FailAsync(env, ExitCodes.Usage, e.Message).ConfigureAwait(false);
            }
            catch (UnreachableException e)
            {
                return await FailAsync(env, ExitCodes.Unreachable, e.Message).ConfigureAwait(false);
            }
            catch (RestException e)
            {
                return await FailAsync(env, ExitCodes.RestError, e.Message).ConfigureAwait(false);
            }
            catch (LocalCommandException e)
            {
                return await FailAsync(env, ExitCodes.RestError, e.Message).ConfigureAwait(false);
            }
        });
    }

    private static async Task<int> FailAsync(OfcEnvironment env, int code, string message)
    {
        await env.Error.WriteLineAsync("ofc: " + message).ConfigureAwait(false);
        return code;
    }
}

internal sealed class GlobalOptions
{
    public Option<string?> Url { get; } = new("--url") { Description = "Controller address (else $OFC_URL, the config file, http://127.0.0.1:8080)", Recursive = true };

    public Option<string?> Token { get; } = new("--token") { Description = "Bearer token for writes (else $OFC_TOKEN, the config file)", Recursive = true };

    public Option<bool> Json { get; } = new("--json") { Description = "Print the REST answer as JSON, for scripts", Recursive = true };
}

internal sealed record Context(ParseResult Parse, RestClient Client, Output Output, OfcEnvironment Env, CancellationToken Ct)
{
    public T Value<T>(Argument<T> a) => Parse.GetValue(a)!;

    public T? Value<T>(Option<T> o) => Parse.GetValue(o);

    public async Task<JsonArray> ListAsync(string path) =>
        await Client.GetAsync(path, Ct).ConfigureAwait(false) as JsonArray ?? throw new RestException(0, $"GET {path}: the answer is not a JSON array");
}
