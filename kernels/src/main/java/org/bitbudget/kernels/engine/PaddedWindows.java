package org.bitbudget.kernels.engine;

import org.bitbudget.ops.compute.Window;

/**
 * The zero-padded NHWC float image (hp x wp x c per image) whose windows the FMA paths read in
 * place: output position (y, x)'s window starts at ((y sH) wp + x sW) c and consists of runs of
 * {@code segment} floats at the {@code segments} offsets (kW c floats per kernel row, or c per tap
 * with column dilation).
 */
record PaddedWindows(Window win, int hp, int wp, int c, int[] segments, int segment) {
    static PaddedWindows of(Codes in, Window win) {
        int c = in.c();
        int hp = Math.max(in.h() + win.padTop(), (win.outH() - 1) * win.sH() + (win.kH() - 1) * win.dH() + 1);
        int wp = Math.max(in.w() + win.padLeft(), (win.outW() - 1) * win.sW() + (win.kW() - 1) * win.dW() + 1);
        boolean runs = win.dW() == 1;
        int[] segments = new int[runs ? win.kH() : win.kH() * win.kW()];
        for (int ky = 0; ky < win.kH(); ky++) {
            for (int kx = 0; kx < (runs ? 1 : win.kW()); kx++) {
                segments[runs ? ky : ky * win.kW() + kx] = (ky * win.dH() * wp + kx * win.dW()) * c;
            }
        }
        return new PaddedWindows(win, hp, wp, c, segments, runs ? win.kW() * c : c);
    }

    /** Where input row {@code iy} of image {@code b} starts inside the padding. */
    int interior(int b, int iy) {
        return ((b * hp + iy + win.padTop()) * wp + win.padLeft()) * c;
    }

    /** The window offsets of the first {@code images} images, one per output position, into {@code rows}. */
    int[] rows(int images, int[] rows) {
        int i = 0;
        for (int b = 0; b < images; b++) {
            for (int y = 0; y < win.outH(); y++) {
                for (int x = 0; x < win.outW(); x++) {
                    rows[i++] = ((b * hp + y * win.sH()) * wp + x * win.sW()) * c;
                }
            }
        }
        return rows;
    }
}
