namespace Flotilla.LocalCluster.Workloads;

/// <summary>Upstream's <c>slowStartBatch</c>: calls in batches of 1, 2, 4, … stopping at the first batch with a failure, so a failing create (quota, admission) costs a few requests rather than hundreds.</summary>
internal static class Batches
{
    /// <returns>How many calls succeeded, and the first failure (null when none).</returns>
    public static async Task<(int Succeeded, Exception? Error)> SlowStartAsync(int count, Func<Task> call)
    {
        var succeeded = 0;
        var remaining = count;
        var batch = Math.Min(remaining, 1);
        while (batch > 0)
        {
            var tasks = Enumerable.Range(0, batch).Select(_ => call()).ToArray();
            try
            {
                await Task.WhenAll(tasks).ConfigureAwait(false);
            }
            catch
            {
                // Inspected below, task by task.
            }
            succeeded += tasks.Count(t => t.IsCompletedSuccessfully);
            if (tasks.FirstOrDefault(t => !t.IsCompletedSuccessfully) is { } failed)
            {
                return (succeeded, failed.Exception?.InnerException ?? new OperationCanceledException());
            }
            remaining -= batch;
            batch = Math.Min(2 * batch, remaining);
        }
        return (succeeded, null);
    }
}
