using System.ComponentModel.DataAnnotations;

namespace Controller.Store;

/// <summary>Configuration section <c>Store</c>.</summary>
public sealed class StoreOptions
{
    public const string SectionName = "Store";
    public const string LiteDbBackend = "litedb";
    public const string EtcdBackend = "etcd";

    /// <summary><c>litedb</c> (one embedded file, the default) or <c>etcd</c> (shared by a controller cluster).</summary>
    [Required(AllowEmptyStrings = false)]
    [RegularExpression("^(litedb|etcd)$", ErrorMessage = "Store:Backend must be 'litedb' or 'etcd'.")]
    public string Backend { get; set; } = LiteDbBackend;

    /// <summary>LiteDB file; its directory is created when missing. Unused with etcd.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Path { get; set; } = "data/controller.db";

    /// <summary>Section <c>Store:Etcd</c>, read when <see cref="Backend"/> is <c>etcd</c>.</summary>
    public EtcdStoreOptions Etcd { get; set; } = new();

    /// <summary>The .NET switch that runs socket completions on the I/O thread (faster OpenFlow round trips).</summary>
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public const string InlineCompletionsWithEtcd =
        InlineCompletionsVariable + "=1 cannot be used with Store:Backend=etcd: an etcd write waits for etcd's answer while it "
        + "holds the store's lock, and with completions inline that answer can queue behind a handler on the one socket "
        + "I/O thread that waits for the same lock. Unset it, or use Store:Backend=litedb.";

    /// <summary>
    /// True when <paramref name="backend"/> is etcd and <paramref name="inlineCompletions"/> (the variable's value) turns
    /// inline socket completions on: then a socket continuation that takes the store's lock could block the I/O thread
    /// that the lock's holder needs, for good.
    /// </summary>
    public static bool ConflictsWithInlineCompletions(string backend, string? inlineCompletions) =>
        string.Equals(backend, EtcdBackend, StringComparison.Ordinal) && inlineCompletions == "1";
}
