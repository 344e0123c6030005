namespace Controller.Hosts;

/// <summary>
/// Who writes one host's OVSDB. <see cref="Token"/> is what the writer stores in the host's
/// <c>Open_vSwitch.external_ids:ofc-writer</c> and guards each of its transactions with; null without a
/// cluster (no guard). Tokens of one etcd cluster compare by <see cref="Generation"/>.
/// </summary>
/// <param name="Mine">This member is the writer.</param>
/// <param name="Member">The writer's member id, null while nobody writes the host.</param>
/// <param name="Generation">The writer's generation (the create revision of its etcd key).</param>
/// <param name="Token">The fencing token, <c>{generation}@{etcd cluster id, hex}</c>; null without fencing.</param>
internal readonly record struct HostWriter(bool Mine, string? Member, ulong Generation, string? Token)
{
    public static HostWriter Nobody => default;
}
