namespace Ovsdb.Rpc;

/// <summary>
/// With <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c> (the controller's default with its LiteDB store) a
/// socket operation that had to wait resumes its caller on one of .NET's few epoll threads, which every other
/// socket of the process (the OpenFlow switches among them) also needs. An OVSDB message can be megabytes of JSON
/// to parse, so the connection leaves that thread after every such wait, as it would without the variable.
/// </summary>
internal static class SocketThreads
{
    /// <summary>Read once: the runtime itself reads the variable once, when its first socket is registered.</summary>
    public static bool CompletionsInline { get; } =
        Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") == "1";
}
