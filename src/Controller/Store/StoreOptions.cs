using System.ComponentModel.DataAnnotations;

namespace Controller.Store;

/// <summary>Configuration section <c>Store</c>.</summary>
public sealed class StoreOptions
{
    public const string SectionName = "Store";

    /// <summary>LiteDB file; its directory is created when missing.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Path { get; set; } = "data/controller.db";
}
