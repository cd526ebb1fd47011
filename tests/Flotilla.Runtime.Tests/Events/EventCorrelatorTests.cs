using Flotilla.Runtime.Events;

namespace Flotilla.Runtime.Tests.Events;

public sealed class EventCorrelatorTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly ObjectReference ConfigMap = new() { ApiVersion = "v1", Kind = "ConfigMap", Name = "x", Namespace = "demo", Uid = "u-1", ResourceVersion = "10" };

    [Fact]
    public void Correlate_RepeatAboutNewerResourceVersion_UpdatesSameEvent()
    {
        var correlator = new EventCorrelator(new EventRecorderOptions { Component = "c" });

        var first = correlator.Correlate(Occurrence(ConfigMap, "synced", Start))!;
        var repeat = correlator.Correlate(Occurrence(ConfigMap with { ResourceVersion = "11" }, "synced", Start.AddSeconds(5)))!;

        Assert.Equal(new CorrelatedEvent("demo", first.Name, 2, Start, repeat.Occurrence, IsRepeat: true), repeat);
    }

    [Fact]
    public void Correlate_EventForgottenByFullCache_StartsNewEvent()
    {
        var correlator = new EventCorrelator(new EventRecorderOptions { Component = "c", CacheSize = 1 });

        var first = correlator.Correlate(Occurrence(ConfigMap, "synced", Start))!;
        correlator.Correlate(Occurrence(ConfigMap, "failed", Start));
        var again = correlator.Correlate(Occurrence(ConfigMap, "synced", Start))!;

        Assert.False(again.IsRepeat);
        Assert.Equal(1, again.Count);
        Assert.NotEqual(first.Name, again.Name);
    }

    [Fact]
    public void Correlate_SpamLimitReached_DropsRepeatsTooUntilRefill()
    {
        var correlator = new EventCorrelator(new EventRecorderOptions { Component = "c", SpamBurst = 2, SpamRefillInterval = TimeSpan.FromMinutes(5) });

        var counts = new[] { Start, Start, Start, Start.AddMinutes(4), Start.AddMinutes(5) }
            .Select(at => correlator.Correlate(Occurrence(ConfigMap, "synced", at))?.Count)
            .ToList();

        Assert.Equal([1, 2, null, null, 3], counts);
    }

    private static EventOccurrence Occurrence(ObjectReference involved, string message, DateTimeOffset at) =>
        new(involved, EventType.Normal, "Synced", message, at);
}
