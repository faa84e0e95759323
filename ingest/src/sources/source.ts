// The small interface every telemetry source implements, so the service's read loops only call
// decode() and never know a game's format (one decoder picked per source at start-up).
import type { racetel } from "@racetel/proto";

export type Frame = racetel.v1.IFrame;

/** Receives normalised frames. The frame object is reused by the caller: copy or encode before returning. */
export interface FrameSink {
  emit(frame: Frame): void;
}

/** Counts a dropped packet by reason and logs it at a bounded rate with a hex prefix of its bytes. */
export interface DropRecorder {
  drop(reason: string, packet: Uint8Array): void;
}

/** Logs a message once per key (per process), for advice to the player such as a wrong UDP format. */
export interface OnceLogger {
  once(key: string, message: string, details?: Record<string, unknown>): void;
}

/** What a decoder is given at construction. */
export interface DecodeContext {
  sink: FrameSink;
  drops: DropRecorder;
  advice: OnceLogger;
  /** Called when a decoder had to clean a string before it became `label` (control characters, broken UTF-8, length). */
  cleanedLabel?: (label: string) => void;
}

/** One packet in, zero or more frames out. Never throws on any input. */
export interface PacketDecoder {
  /**
   * @param packet the datagram or page bytes (only valid during the call)
   * @param receiveTimeUnixNano receive time, ns since the Unix epoch as a double (~256 ns resolution)
   * @param sourceAddress the sender ("192.168.1.20:51234") or page origin; used for the `source` label
   * @returns true when the packet was decoded, false when it was dropped (already counted)
   */
  decode(packet: Buffer, receiveTimeUnixNano: number, sourceAddress: string): boolean;
  /** Sessions seen recently (for the sessions_active gauge). */
  activeSessions(): number;
  /** Sessions forgotten so far to make room for new ones. */
  sessionsEvicted?(): number;
  /**
   * Emits frames the decoder holds back waiting for a packet that completes them (F1: the player's Motion
   * waits for its MotionEx), when they are older than `olderThanUnixNano` (all of them by default): at the
   * end of a capture, and from a timer while a game is silent.
   */
  flush?(olderThanUnixNano?: number): void;
}
