using Dapper;
using Google.Protobuf;
using Grpc.Core;
using Npgsql;
using Platform.Audit.V1;
using Platform.Operations.V1;
using Platform.Testing;

namespace Platform.Catalog.FunctionalTests;

/// <summary>The operator's calls every writing service serves (here catalog's): PruneRetention.</summary>
[Collection(CatalogCollection.Name)]
public sealed class OperationsTests(CatalogFixture fixture)
{
    /// <summary>
    /// PruneRetention called as any client would. The test reaches the operations messages through the infrastructure
    /// (which serves them), so it calls the method by its descriptor rather than through a second, generated client.
    /// </summary>
    private static readonly Method<PruneRetentionRequest, PruneRetentionResponse> PruneRetention = new(
        MethodType.Unary, OperationsService.Descriptor.FullName, "PruneRetention",
        Marshallers.Create(m => m.ToByteArray(), PruneRetentionRequest.Parser.ParseFrom),
        Marshallers.Create(m => m.ToByteArray(), PruneRetentionResponse.Parser.ParseFrom));

    private AsyncUnaryCall<PruneRetentionResponse> PruneAs(string? token) =>
        fixture.Invoker(token).AsyncUnaryCall(PruneRetention, null, new CallOptions(), new PruneRetentionRequest());

    [Fact]
    public async Task PruneRetentionDeletesExpiredRowsNowAnswersEachTableAndIsAudited()
    {
        var expired = Guid.CreateVersion7();
        await using (var connection = new NpgsqlConnection(fixture.ConnectionString))
        {
            var longAgo = fixture.Time.GetUtcNow() - TimeSpan.FromDays(30);
            await connection.ExecuteAsync(
                "insert into outbox_messages (id, message_type, payload, created_at, published_at) values (@expired, 'Platform.Contracts.DatasetRegistered', '{}', @longAgo, @longAgo)",
                new { expired, longAgo });
        }

        var pruned = await PruneAs(TestTokens.Admin);

        Assert.Equal(["outbox_messages", "processed_messages", "write_requests", "audit_events"], pruned.Tables.Select(t => t.Table));
        Assert.True(pruned.Tables.Single(t => t.Table == "outbox_messages").Deleted >= 1);
        await using (var connection = new NpgsqlConnection(fixture.ConnectionString))
        {
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("select count(*) from outbox_messages where id = @expired", new { expired }));
        }

        var audit = await fixture.Client.ListAuditEventsAsync(new ListAuditEventsRequest { Method = "PruneRetention", PageSize = 1 });
        var audited = Assert.Single(audit.Events);
        Assert.Equal("test-admin", audited.ClientId);
        Assert.Equal("OK", audited.Outcome);
    }

    [Fact]
    public async Task OnlyAnAdministratorMayPrune()
    {
        var provider = TestTokens.Mint("ops-provider", ["provider"], organisation: "某机构");

        var denied = await Assert.ThrowsAsync<RpcException>(() => PruneAs(provider).ResponseAsync);
        var anonymous = await Assert.ThrowsAsync<RpcException>(() => PruneAs(null).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
    }
}
