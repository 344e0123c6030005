namespace Apps.Integration;

/// <summary>Options of <see cref="BrIntPipeline"/>.</summary>
public sealed record BrIntOptions
{
    /// <summary>The br-int side of the patch pair to br-tun: a bridge that has it is an integration bridge.</summary>
    public string PatchTunPortName { get; init; } = "patch-tun";
}
