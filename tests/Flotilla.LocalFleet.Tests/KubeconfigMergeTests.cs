namespace Flotilla.LocalFleet.Tests;

public sealed class KubeconfigMergeTests
{
    private const string Member = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: member-1
          cluster:
            server: https://127.0.0.1:7001
        contexts:
        - name: member-1
          context: {cluster: member-1, user: member-1-admin}
        current-context: member-1
        users:
        - name: member-1-admin
          user: {token: new-token}
        """;

    [Fact]
    public void Merge_NoExistingFile_IsTheClustersKubeconfig() => Assert.Equal(Member, KubeconfigMerge.Merge(null, Member));

    [Fact]
    public void Merge_ExistingFile_ReplacesSameNamesKeepsOthersAndSwitchesContext()
    {
        var existing = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: prod
              cluster: {server: https://prod.example:443}
            - name: member-1
              cluster: {server: https://127.0.0.1:6000}
            contexts:
            - name: prod
              context: {cluster: prod, user: prod-user}
            current-context: prod
            users:
            - name: prod-user
              user: {token: prod-token}
            - name: member-1-admin
              user: {token: old-token}
            """;

        var merged = Flotilla.Client.Config.KubeConfig.Parse(KubeconfigMerge.Merge(existing, Member));

        Assert.Equal("member-1", merged.CurrentContext);
        Assert.Equal(["member-1", "prod"], merged.Clusters.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("https://127.0.0.1:7001", merged.Clusters["member-1"].Server);
        Assert.Equal("https://prod.example:443", merged.Clusters["prod"].Server);
        Assert.Equal(["member-1", "prod"], merged.Contexts.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("new-token", merged.Users["member-1-admin"].Token);
        Assert.Equal("prod-token", merged.Users["prod-user"].Token);
    }

    [Fact]
    public void Merge_ExistingFileNotAKubeconfig_RefusesRatherThanOverwrite()
    {
        var error = Assert.Throws<InvalidOperationException>(() => KubeconfigMerge.Merge("- just\n- a list\n", Member));

        Assert.Contains("is not a kubeconfig", error.Message, StringComparison.Ordinal);
    }
}
