namespace Controller.Hosts;

/// <summary>A controller without a cluster writes every host it is connected to, unfenced (as it always did).</summary>
internal sealed class SoleHostWriter : IHostWriterGate
{
    public static readonly SoleHostWriter Instance = new();

    private static readonly HostWriter Self = new(true, null, 0, null);

    public event Action? Changed
    {
        add { }
        remove { }
    }

    public IDisposable Offer(string systemId) => Nothing.Instance;

    public HostWriter WriterOf(string systemId) => Self;

    public bool MayWrite(string systemId, ulong generation) => true;

    public void WriteSuppressed(string systemId, string reason)
    {
    }

    public void WriteRefused(string systemId, string reason)
    {
    }

    private sealed class Nothing : IDisposable
    {
        public static readonly Nothing Instance = new();

        public void Dispose()
        {
        }
    }
}
