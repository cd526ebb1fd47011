using Flotilla.ApiServer.Registry;
using Flotilla.ApiServer.Validation;

namespace Flotilla.ApiServer.Tests.Validation;

public sealed class NameRulesTests
{
    private const string SubdomainError = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    private const string LabelError = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    private const string Dns1035Error = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

    public static TheoryData<string, string, string[]> Names => new()
    {
        { "Dns1123Subdomain", "web", [] },
        { "Dns1123Subdomain", "web.example-1.com", [] },
        { "Dns1123Subdomain", "0abc", [] },
        { "Dns1123Subdomain", "Bad_Name", [SubdomainError] },
        { "Dns1123Subdomain", "-web", [SubdomainError] },
        { "Dns1123Subdomain", "web.", [SubdomainError] },
        { "Dns1123Subdomain", "web\n", [SubdomainError] },
        { "Dns1123Subdomain", new string('a', 254), ["must be no more than 253 characters"] },
        { "Dns1123Label", "kube-system", [] },
        { "Dns1123Label", "a.b", ["must not contain dots"] },
        { "Dns1123Label", "Team_A", [LabelError] },
        { "Dns1123Label", new string('a', 64), ["must be no more than 63 characters"] },
        { "Dns1035Label", "web-svc", [] },
        { "Dns1035Label", "1web", [Dns1035Error] },
        { "PathSegment", "system:controller:job", [] },
        { "PathSegment", "a/b", ["may not contain '/'"] },
        { "PathSegment", "50%", ["may not contain '%'"] },
        { "PathSegment", "..", ["may not be '..'"] },
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void Check_Name_ReturnsUpstreamErrors(string kind, string name, string[] expected)
    {
        Assert.Equal(expected, NameRules.Check(Enum.Parse<NameKind>(kind), name));
    }

    [Theory]
    [InlineData("Dns1123Subdomain", "web-")]
    [InlineData("Dns1123Label", "job-")]
    [InlineData("PathSegment", ".")]
    public void Check_GenerateNamePrefixWithTrailingDash_Accepted(string kind, string prefix)
    {
        Assert.Empty(NameRules.Check(Enum.Parse<NameKind>(kind), prefix, isPrefix: true));
    }

    [Theory]
    [InlineData("", "namespaces", false, "Dns1123Label")]
    [InlineData("", "services", false, "Dns1035Label")]
    [InlineData("", "configmaps", false, "Dns1123Subdomain")]
    [InlineData("apps", "deployments", false, "Dns1123Subdomain")]
    [InlineData("rbac.authorization.k8s.io", "clusterroles", false, "PathSegment")]
    [InlineData("placement.kubernetes-fleet.io", "clusterresourceplacements", true, "Dns1123Subdomain")]
    public void For_Resource_ReturnsItsNameRule(string group, string plural, bool custom, string expected)
    {
        var definition = new ResourceDefinition
        {
            Group = group,
            Version = "v1",
            Kind = "K",
            Plural = plural,
            Singular = "k",
            Namespaced = true,
            IsCustom = custom,
        };

        Assert.Equal(Enum.Parse<NameKind>(expected), NameRules.For(definition));
    }
}
