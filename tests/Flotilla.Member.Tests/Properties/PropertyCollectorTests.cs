using Flotilla.Api.Cluster;
using Flotilla.Api.Meta;
using Flotilla.Client;
using Flotilla.Client.Config;
using Flotilla.Client.Informers;
using Flotilla.Member.Properties;
using Flotilla.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flotilla.Member.Tests.Properties;

/// <summary>The collection deadline and the cap on outstanding calls (placement spec §8.4), on a manual clock.</summary>
public sealed class PropertyCollectorTests
{
    [Fact]
    public async Task Collect_ProviderHangs_TimesOutThenRefusesAFourthOutstandingCall()
    {
        var time = new ManualTimeProvider();
        var provider = new HangingProvider();
        var collector = NewCollector(provider, time);

        for (var i = 1; i <= PropertyCollector.MaxOutstandingCalls; i++)
        {
            var pending = collector.CollectAsync(CancellationToken.None);
            await Eventually.WaitAsync($"call {i} to wait for its deadline", () => time.PendingDelays().Count(d => d == TimeSpan.FromSeconds(10)) >= 2);
            time.Advance(TimeSpan.FromSeconds(10));
            var timedOut = await pending;

            Assert.Null(timedOut.Response);
            AssertCollection(timedOut, "False", "TimedOut", "The property provider does not respond in time");
            Assert.Equal(i, collector.Outstanding);
        }

        var refused = await collector.CollectAsync(CancellationToken.None);

        Assert.Null(refused.Response);
        AssertCollection(refused, "False", "TooManyCalls", "There are too many on-going calls to the property provider; will retry if some calls return");
        Assert.Equal(PropertyCollector.MaxOutstandingCalls, provider.Calls);

        // One hung call returns: there is room again, and a prompt answer is taken.
        provider.ReleaseOne();
        await Eventually.WaitAsync("the released call to stop counting", () => collector.Outstanding == PropertyCollector.MaxOutstandingCalls - 1);
        provider.AnswerPromptly = true;
        var collected = await collector.CollectAsync(CancellationToken.None);

        Assert.Equal("7", collected.Response!.Properties["kubernetes-fleet.io/node-count"].Value);
        AssertCollection(collected, "True", "PropertiesCollected", "The property provider has returned the latest cluster properties");
        var started = Conditions.Find(collected.Conditions, MemberClusterConditionType.PropertyProviderStarted)!;
        Assert.Equal(("True", "Started"), (started.Status, started.Reason));
        Assert.Contains(collected.Conditions, c => c.Type == "ProviderOwnCondition");
    }

    private static PropertyCollector NewCollector(IPropertyProvider provider, TimeProvider time)
    {
        // Never contacted: the fake provider uses neither.
        var client = new KubernetesClient(new ClusterConnection { Server = new Uri("https://127.0.0.1:1") });
        var context = new PropertyProviderContext
        {
            MemberClient = client,
            MemberInformers = new SharedInformerFactory(client),
            Time = time,
            LoggerFactory = NullLoggerFactory.Instance,
        };
        return new PropertyCollector(provider, context, NullLogger.Instance);
    }

    private static void AssertCollection(PropertyCollection collection, string status, string reason, string message)
    {
        var condition = Conditions.Find(collection.Conditions, MemberClusterConditionType.PropertyCollectionSucceeded);
        Assert.NotNull(condition);
        Assert.Equal((status, reason, message), (condition.Status, condition.Reason, condition.Message));
    }

    /// <summary>Starts at once; its collections ignore their deadline and hang until released (or answer at once when told).</summary>
    private sealed class HangingProvider : IPropertyProvider
    {
        private readonly Queue<TaskCompletionSource<PropertyCollectionResponse>> _hung = new();
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public bool AnswerPromptly { get; set; }

        public Task StartAsync(PropertyProviderContext context, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<PropertyCollectionResponse> CollectAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            if (AnswerPromptly)
            {
                return Task.FromResult(Response());
            }
            var hung = new TaskCompletionSource<PropertyCollectionResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_hung)
            {
                _hung.Enqueue(hung);
            }
            return hung.Task;
        }

        public void ReleaseOne()
        {
            lock (_hung)
            {
                _hung.Dequeue().SetResult(Response());
            }
        }

        private static PropertyCollectionResponse Response() => new()
        {
            Properties = new() { ["kubernetes-fleet.io/node-count"] = new PropertyValue { Value = "7" } },
            Conditions = [new Condition { Type = "ProviderOwnCondition", Status = "True", Reason = "Fine" }],
        };
    }
}
