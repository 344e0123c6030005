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
}
