using System.Net;
using Flotilla.Testing;

namespace Flotilla.LoadBalancer.Tests.Support;

/// <summary>Bounded waits on things that must happen, failing with the phase's name instead of hanging.</summary>
internal static class TestWaits
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    public static async Task Within(this Task task, string phase)
    {
        try
        {
            await task.WaitAsync(Limit);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"timed out after {Limit.TotalSeconds:0}s waiting for: {phase}", e);
        }
    }

    public static async Task<T> Within<T>(this Task<T> task, string phase)
    {
        try
        {
            return await task.WaitAsync(Limit);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"timed out after {Limit.TotalSeconds:0}s waiting for: {phase}", e);
        }
    }

    public static Task<T> Within<T>(this ValueTask<T> task, string phase) => task.AsTask().Within(phase);

    public static Task Within(this ValueTask task, string phase) => task.AsTask().Within(phase);

    /// <summary>Waits until the statistics of <paramref name="key"/> satisfy <paramref name="condition"/>.</summary>
    public static Task<ServiceStatistics> StatisticsAsync(this LoadBalancerHost host, string key, Func<ServiceStatistics, bool> condition, string phase) =>
        Eventually.WaitAsync(phase, () =>
        {
            var statistics = host.GetStatistics().SingleOrDefault(s => s.Key == key);
            return Task.FromResult(statistics is not null && condition(statistics) ? statistics : null);
        }, Limit);

    /// <summary>The statistics of one endpoint of a service, or null.</summary>
    public static EndpointStatistics? Endpoint(this ServiceStatistics statistics, IPEndPoint endPoint) =>
        statistics.Endpoints.SingleOrDefault(e => e.EndPoint.Equals(endPoint));
}
