/**
 * The {@code hashstream} command line: parses options, wires the modules together and maps every
 * failure a user can cause to one line and an exit code. {@link io.hashstream.cli.Main} is the entry
 * point that {@code bin/hashstream} runs.
 */
@NullMarked
package io.hashstream.cli;

import org.jspecify.annotations.NullMarked;
