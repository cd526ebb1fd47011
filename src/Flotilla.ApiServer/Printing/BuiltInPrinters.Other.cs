using System.Text.Json.Nodes;

namespace Flotilla.ApiServer.Printing;

// Cells for coordination, discovery, policy, networking and RBAC kinds; each mirrors the upstream print function.
internal static partial class BuiltInPrinters
{
    private static JsonNode?[] Lease(JsonObject obj, DateTimeOffset now) =>
        [PrintFormat.Name(obj), obj.Obj("spec").Str("holderIdentity") ?? "", PrintFormat.Age(obj, now)];

    private static JsonNode?[] EndpointSlice(JsonObject obj, DateTimeOffset now)
    {
        var ports = obj.Arr("ports").Objects()
            .Select(p => p.Long("port")?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? p.Str("name") ?? "*")
            .ToList();
        var addresses = obj.Arr("endpoints").Objects().SelectMany(e => e.Arr("addresses").Strings()).ToList();
        return
        [
            PrintFormat.Name(obj),
            obj.Str("addressType") ?? "",
            PrintFormat.ListWithMore(ports, ports.Count, 3, empty: "<unset>"),
            PrintFormat.ListWithMore(addresses, addresses.Count, 3, empty: "<unset>"),
            PrintFormat.Age(obj, now),
        ];
    }

    private static JsonNode?[] PodDisruptionBudget(JsonObject obj, DateTimeOffset now)
    {
        var spec = obj.Obj("spec");
        return
        [
            PrintFormat.Name(obj),
            spec.IntOrString("minAvailable") ?? "N/A",
            spec.IntOrString("maxUnavailable") ?? "N/A",
            obj.Obj("status").Long("disruptionsAllowed") ?? 0,
            PrintFormat.Age(obj, now),
        ];
    }

    private static JsonNode?[] Ingress(JsonObject obj, DateTimeOffset now)
    {
        var spec = obj.Obj("spec");
        var rules = spec.Arr("rules").Objects().ToList();
        // formatHosts: up to three hosts ("*" when no rule names one); once three are listed, any further rule
        // adds "+ N more..." where N counts rules, not hosts — upstream's quirk, kept for identical output.
        var hosts = new List<string>();
        var more = false;
        foreach (var rule in rules)
        {
            more |= hosts.Count == 3;
            if (!more && rule.Str("host") is { Length: > 0 } host)
            {
                hosts.Add(host);
            }
        }
        var hostText = hosts.Count == 0 ? "*" : string.Join(',', hosts);
        if (more)
        {
            hostText += $" + {rules.Count - 3} more...";
        }
        return
        [
            PrintFormat.Name(obj),
            spec.Str("ingressClassName") ?? PrintFormat.None,
            hostText,
            PrintFormat.LoadBalancerIngress(obj.Obj("status")),
            spec.CountOf("tls") > 0 ? "80, 443" : "80",
            PrintFormat.Age(obj, now),
        ];
    }

    private static JsonNode?[] NetworkPolicy(JsonObject obj, DateTimeOffset now) =>
        // podSelector is required and {} means every pod, which FormatLabelSelector shows as <none>.
        [PrintFormat.Name(obj), PrintFormat.LabelSelector(obj.Obj("spec").Obj("podSelector") ?? []), PrintFormat.Age(obj, now)];

    private static JsonNode?[] RoleBinding(JsonObject obj, DateTimeOffset now)
    {
        var roleRef = obj.Obj("roleRef");
        var subjects = obj.Arr("subjects").Objects().ToList();
        return
        [
            PrintFormat.Name(obj),
            $"{roleRef.Str("kind") ?? ""}/{roleRef.Str("name") ?? ""}",
            PrintFormat.Age(obj, now),
            Subjects("User", s => s.Str("name") ?? ""),
            Subjects("Group", s => s.Str("name") ?? ""),
            Subjects("ServiceAccount", s => $"{s.Str("namespace") ?? ""}/{s.Str("name") ?? ""}"),
        ];

        string Subjects(string kind, Func<JsonObject, string> format) =>
            string.Join(", ", subjects.Where(s => s.Str("kind") == kind).Select(format));
    }
}
