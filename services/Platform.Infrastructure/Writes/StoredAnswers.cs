using Dapper;
using Google.Protobuf;
using Npgsql;
using Platform.Infrastructure.Errors;

namespace Platform.Infrastructure.Writes;

/// <summary>The request ids of earlier writes with their requests' fingerprints and first answers (<c>write_requests</c>).</summary>
internal static class StoredAnswers
{
    public static async Task<Dictionary<string, StoredRequest>> ReadAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, WriteCall call, string[] requestIds, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<StoredRequest>(new CommandDefinition(
            "select request_id, fingerprint, response from write_requests where caller = @caller and method = @method and request_id = any(@requestIds)",
            new { caller = call.Caller.Id, method = call.Scope, requestIds }, transaction, cancellationToken: cancellationToken)))
        .ToDictionary(s => s.RequestId, StringComparer.Ordinal);

    public sealed record StoredRequest(string RequestId, byte[] Fingerprint, byte[] Response);

    /// <summary>The stored answer when the request (by its <paramref name="fingerprint"/>) is the one stored; ALREADY_EXISTS otherwise.</summary>
    public static T Replay<T>(WriteCall call, string requestId, byte[] fingerprint, int index, ItemNaming naming, MessageParser<T> parser, StoredRequest prior)
        where T : IMessage<T> =>
        prior.Fingerprint.AsSpan().SequenceEqual(fingerprint)
            ? parser.ParseFrom(prior.Response)
            : throw naming.AlreadyExists(index, WritePath.Reused(call, requestId));
}
