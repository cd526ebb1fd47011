using System.Text.Json.Nodes;

namespace Flotilla.ApiServer.Printing;

// Cells for apps/v1 and batch/v1 kinds; each function mirrors the upstream print function of the same name.
internal static partial class BuiltInPrinters
{
    private static JsonNode?[] Deployment(JsonObject obj, DateTimeOffset now)
    {
        var spec = obj.Obj("spec");
        var status = obj.Obj("status");
        var (names, images) = PrintFormat.Containers(spec.Obj("template").Obj("spec"));
        return
        [
            PrintFormat.Name(obj),
            $"{status.Long("readyReplicas") ?? 0}/{spec.Long("replicas") ?? 1}",
            status.Long("updatedReplicas") ?? 0,
            status.Long("availableReplicas") ?? 0,
            PrintFormat.Age(obj, now),
            names,
            images,
            PrintFormat.SelectorString(spec.Obj("selector")),
        ];
    }

    private static JsonNode?[] ReplicaSet(JsonObject obj, DateTimeOffset now)
    {
        var spec = obj.Obj("spec");
        var status = obj.Obj("status");
        var (names, images) = PrintFormat.Containers(spec.Obj("template").Obj("spec"));
        return
        [
            PrintFormat.Name(obj),
            spec.Long("replicas") ?? 1,
            status.Long("replicas") ?? 0,
            status.Long("readyReplicas") ?? 0,
            PrintFormat.Age(obj, now),
            names,
            images,
            PrintFormat.LabelSelector(spec.Obj("selector")),
        ];
    }

    private static JsonNode?[] StatefulSet(JsonObject obj, DateTimeOffset now)
    {
        var spec = obj.Obj("spec");
        var (names, images) = PrintFormat.Containers(spec.Obj("template").Obj("spec"));
        return
        [
            PrintFormat.Name(obj),
            $"{obj.Obj("status").Long("readyReplicas") ?? 0}/{spec.Long("replicas") ?? 1}",
            PrintFormat.Age(obj, now),
            names,
            images,
        ];
    }

    private static JsonNode?[] DaemonSet(JsonObject obj, DateTimeOffset now)
    {
        var spec = obj.Obj("spec");
        var status = obj.Obj("status");
        var podSpec = spec.Obj("template").Obj("spec");
        var (names, images) = PrintFormat.Containers(podSpec);
        return
        [
            PrintFormat.Name(obj),
            status.Long("desiredNumberScheduled") ?? 0,
            status.Long("currentNumberScheduled") ?? 0,
            status.Long("numberReady") ?? 0,
            status.Long("updatedNumberScheduled") ?? 0,
            status.Long("numberAvailable") ?? 0,
            PrintFormat.Labels(podSpec.Obj("nodeSelector")),
            PrintFormat.Age(obj, now),
            names,
            images,
            PrintFormat.LabelSelector(spec.Obj("selector")),
        ];
    }

    private static JsonNode?[] Job(JsonObject obj, DateTimeOffset now)
    {
        var spec = obj.Obj("spec");
        var status = obj.Obj("status");
        var succeeded = status.Long("succeeded") ?? 0;

        string completions;
        if (spec.Long("completions") is { } wanted)
        {
            completions = $"{succeeded}/{wanted}";
        }
        else if (spec.Long("parallelism") is > 1 and var parallelism)
        {
            completions = $"{succeeded}/1 of {parallelism}";
        }
        else
        {
            completions = $"{succeeded}/1";
        }

        // Running jobs show how long they have run so far; finished ones how long they took.
        var start = status.Time("startTime");
        var completion = status.Time("completionTime");
        var duration = start is null ? "" : completion is null ? HumanDuration.Since(start, now) : HumanDuration.Format(completion.Value - start.Value);

        // Terminal conditions first, then deletion, then the transient ones, as upstream orders them.
        string state;
        if (PrintFormat.HasTrueCondition(status, "Complete"))
        {
            state = "Complete";
        }
        else if (PrintFormat.HasTrueCondition(status, "Failed"))
        {
            state = "Failed";
        }
        else if (obj.Obj("metadata").Has("deletionTimestamp"))
        {
            state = "Terminating";
        }
        else if (PrintFormat.HasTrueCondition(status, "Suspended"))
        {
            state = "Suspended";
        }
        else if (PrintFormat.HasTrueCondition(status, "FailureTarget"))
        {
            state = "FailureTarget";
        }
        else
        {
            state = "Running";
        }

        var (names, images) = PrintFormat.Containers(spec.Obj("template").Obj("spec"));
        return
        [
            PrintFormat.Name(obj),
            state,
            completions,
            duration,
            PrintFormat.Age(obj, now),
            names,
            images,
            PrintFormat.LabelSelector(spec.Obj("selector")),
        ];
    }

    private static JsonNode?[] CronJob(JsonObject obj, DateTimeOffset now)
    {
        var spec = obj.Obj("spec");
        var jobSpec = spec.Obj("jobTemplate").Obj("spec");
        var lastSchedule = obj.Obj("status").Time("lastScheduleTime");
        var (names, images) = PrintFormat.Containers(jobSpec.Obj("template").Obj("spec"));
        return
        [
            PrintFormat.Name(obj),
            spec.Str("schedule") ?? "",
            spec.Str("timeZone") ?? PrintFormat.None,
            PrintFormat.Bool(spec.Bool("suspend") ?? false),
            (long)obj.Obj("status").CountOf("active"),
            lastSchedule is null ? PrintFormat.None : HumanDuration.Since(lastSchedule, now),
            PrintFormat.Age(obj, now),
            names,
            images,
            PrintFormat.LabelSelector(jobSpec.Obj("selector")),
        ];
    }
}
