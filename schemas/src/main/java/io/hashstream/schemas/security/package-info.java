/**
 * What hashstream's clients say when a secured cluster refuses them: one line that names the
 * principal, the operation and the resource to grant, which Kafka's own messages leave out.
 */
@NullMarked
package io.hashstream.schemas.security;

import org.jspecify.annotations.NullMarked;
