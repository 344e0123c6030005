namespace Controller.Switches;

/// <summary>
/// Generation ids for ROLE_REQUEST(master): monotonic within the process and, being seeded from the
/// clock, larger than those of an earlier run, so a restarted controller is never refused as stale.
/// </summary>
internal static class RoleGeneration
{
    private static long s_last = DateTime.UtcNow.Ticks;

    public static ulong Next() => (ulong)Interlocked.Increment(ref s_last);
}
