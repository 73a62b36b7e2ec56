namespace ServiceTokenOperator.Tests.Observability;

/// <summary>A write-only stream that counts the lines written to it and keeps nothing.</summary>
internal sealed class LineCountingStream : Stream
{
    public int Lines { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => Lines += buffer.AsSpan(offset, count).Count((byte)'\n');

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Lines += buffer.Span.Count((byte)'\n');
        return ValueTask.CompletedTask;
    }
}
