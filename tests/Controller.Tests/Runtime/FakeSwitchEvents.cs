using Controller.Switches;

namespace Controller.Tests.Runtime;

/// <summary>An <see cref="ISwitchEvents"/> whose events the test publishes by hand.</summary>
internal sealed class FakeSwitchEvents : ISwitchEvents
{
    private readonly List<SwitchEventSubscription> _subscribers = [];

    public int Subscribers
    {
        get
        {
            lock (_subscribers)
            {
                return _subscribers.Count;
            }
        }
    }

    public SwitchEventSubscription Subscribe(string name)
    {
        var sub = new SwitchEventSubscription(name, 1000, s =>
        {
            lock (_subscribers)
            {
                _subscribers.Remove(s);
            }
        });
        lock (_subscribers)
        {
            _subscribers.Add(sub);
        }

        return sub;
    }

    public void Publish(SwitchEvent e)
    {
        lock (_subscribers)
        {
            foreach (var s in _subscribers)
            {
                s.Offer(e);
            }
        }
    }
}
