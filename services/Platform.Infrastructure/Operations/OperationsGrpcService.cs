using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Authorization;
using Platform.Infrastructure.Access;
using Platform.Infrastructure.Retention;
using Platform.Infrastructure.Writes;
using Platform.Operations.V1;

namespace Platform.Infrastructure.Operations;

/// <summary>
/// The operator's calls every writing service serves (<c>platform.operations.v1.OperationsService</c>): administrators
/// only, each through the write path (so in the audit trail). Mapped by <c>MapPlatformOperations</c>.
/// </summary>
[Authorize(Policy = Rights.Admin)]
public sealed class OperationsGrpcService(RetentionPruner pruner, WritePath writes) : OperationsService.OperationsServiceBase
{
    [WriteMethod]
    public override Task<PruneRetentionResponse> PruneRetention(PruneRetentionRequest request, global::Grpc.Core.ServerCallContext context) =>
        // No request id: pruning again is harmless (it deletes what expired since). The deletes run in batches on a
        // connection of their own, so a long prune holds no lock of the audit event's transaction.
        writes.RunAloneAsync(WriteCall.Of(context), new(string.Empty, request), PruneRetentionResponse.Parser, async (_, _) =>
        {
            var tables = await pruner.PruneAsync(context.CancellationToken);
            var response = new PruneRetentionResponse();
            response.Tables.AddRange(tables.Select(t => new PrunedTable
            {
                Table = t.Table,
                Deleted = t.Deleted,
                Rows = t.Rows,
                Oldest = t.Oldest is { } oldest ? Timestamp.FromDateTimeOffset(oldest) : null,
            }));
            return new Written<PruneRetentionResponse>(response, tables.Select(t => t.Table).ToArray());
        }, context.CancellationToken);
}
