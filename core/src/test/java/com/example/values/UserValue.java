package com.example.values;

import java.io.Serializable;

/** Stands for a user's class in the pool's channel tests: outside java.base and outside the pool's package. */
public record UserValue(int n) implements Serializable {
    private static final long serialVersionUID = 1L;
}
